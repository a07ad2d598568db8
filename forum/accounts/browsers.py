"""A browser's family in words ("Firefox on Android"), read from its User-Agent header.

Only names from the two lists below are ever produced, so neither the header itself nor a
version or device model that would help single out one person reaches the database. A dozen
substring checks cover the browsers people use; a parsing library's thousand rules would only
give detail this page throws away.
"""

# The first match wins: Edge, Opera and Samsung Internet also say "Chrome" and "Safari", and
# Chrome and Firefox on iOS say "Safari".
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
# Android's header also says "Linux", and an iPad's may say "Mac OS X".
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)

UNKNOWN = "Unknown browser"


def browser_family(user_agent: str | None) -> str:
    """Name the browser and system coarsely: "Safari on iOS", "Firefox", "Unknown browser"."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    return f"A browser on {system}" if system else UNKNOWN
