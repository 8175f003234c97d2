"""The rules of tthc, in plain Python.

Nothing in this package may import Flask, SQLAlchemy or WTForms: the live check, the desk
and the final submit call the same functions, and tests run them without an app.
"""
