"""Real servers on loopback for tests: nginx in front of gunicorns (bench/servers.py), a browser."""

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from bench.servers import HOST, Gunicorn, answers_200, free_port, stop, wait_until
from tests.support.forms import read_forms

NGINX_CONFIG = """
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    # The test stands for the load balancer in front: nginx trusts the address it forwards.
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    # The test picks the server that answers each request by a header.
    map $http_x_backend $backend {{ default a; a a; b b; }}
    upstream a {{ server {a}; }}
    upstream b {{ server {b}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://$backend;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx_in_front_of(a: Gunicorn, b: Gunicorn):
    """nginx on a free loopback port proxying to `a` or `b` as each request's X-Backend says."""
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    work = Path(tempfile.mkdtemp(prefix="nginx-"))
    port = free_port()
    config = work / "nginx.conf"
    config.write_text(
        NGINX_CONFIG.format(work=work, port=port, a=f"{HOST}:{a.port}", b=f"{HOST}:{b.port}")
    )
    log = work / "output.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            [executable, "-p", str(work), "-e", str(work / "error.log"), "-c", str(config)],
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://{HOST}:{port}"
    try:
        wait_until(lambda: answers_200(base + "/healthz"), "nginx", process, log)
        yield base
    finally:
        stop(process)
        shutil.rmtree(work, ignore_errors=True)


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


class Browser:
    """A browser over real HTTP: keeps cookies, submits forms with their hidden fields, and
    sends each request with the headers it is given (the backend, its forwarded address)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.headers = headers or {}
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirects())

    def request(self, method: str, path: str, data: dict | None = None, **headers) -> Answer:
        body = None if data is None else urlencode(data).encode()
        # Only ever http:// on loopback: the base is a server this module started.
        sent = Request(urljoin(self.base, path), data=body, method=method)  # noqa: S310
        for name, value in {**self.headers, **headers}.items():
            sent.add_header(name.replace("_", "-"), value)
        try:
            with self._opener.open(sent, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, **headers)

    def form(self, page: str, action: str | None = None, **headers) -> tuple[str, dict]:
        """The POST form of `page` (the one to `action`): where it posts, and its fields."""
        answer = self.get(page, **headers)
        assert answer.status == 200, f"GET {page} answered {answer.status}"
        forms = [
            form
            for form in read_forms(answer.text, page)
            if form.method == "post" and urlsplit(form.action).path == (action or page)
        ]
        assert forms, f"no POST form to {action or page} on {page}"
        return forms[0].action, forms[0].fields

    def submit(self, page: str, data: dict, action: str | None = None, **headers) -> Answer:
        """Load `page`, fill its form with `data` and post it, all with these headers."""
        target, fields = self.form(page, action, **headers)
        return self.request("POST", target, {**fields, **data}, **headers)
