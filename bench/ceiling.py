"""The ceiling of the stack: a bare Flask app rendering a tiny Jinja template, nothing else."""

from flask import Flask, render_template
from jinja2 import DictLoader

TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>Hello, {{ name }}. There are {{ count }} things here.</p></body>
</html>
"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"tiny.html": TEMPLATE})


@app.route("/")
def index():
    return render_template("tiny.html", title="Ceiling", name="visitor", count=3)
