"""Flask's own ceiling on this machine: a bare route returning a short text."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello"
