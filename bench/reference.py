"""Reference app for the benchmark: the smallest honest Flask page.

One Flask-SQLAlchemy model with a few rows, one route that runs one query and renders a
small template. The template is an inline string, served through render_template and a
DictLoader so that Jinja compiles it once, like the app's file templates
(render_template_string would recompile it on every request and make the reference slow). bench/run.py serves it with the same gunicorn settings as the real app and
reports every endpoint as a ratio to it, because absolute numbers drift from run to run.

    REFERENCE_DATABASE_URL=sqlite:////tmp/x/ref.db python bench/reference.py   # seed
    REFERENCE_DATABASE_URL=... gunicorn -w 2 -k sync --chdir bench reference:app
"""

import os

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
    "REFERENCE_DATABASE_URL", "sqlite:///reference.db"
)
db = SQLAlchemy(app)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Tham chiếu</title></head>
<body>
<h1>Danh sách</h1>
<ul>
{% for item in items %}  <li><a href="/item/{{ item.id }}">{{ item.name }}</a></li>
{% endfor %}</ul>
</body>
</html>
"""

app.jinja_loader = DictLoader({"page.html": PAGE})


@app.get("/")
def index():
    items = db.session.execute(db.select(Item).order_by(Item.id)).scalars().all()
    return render_template("page.html", items=items)


@app.get("/healthz")
def healthz():
    return "ok"


def seed():
    with app.app_context():
        db.drop_all()
        db.create_all()
        names = ["Khai sinh", "Khai tử", "Kết hôn", "Chứng thực bản sao", "Xác nhận cư trú"]
        db.session.add_all(Item(name=n) for n in names)
        db.session.commit()


if __name__ == "__main__":
    seed()
