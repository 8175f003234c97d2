"""Password hashes: scrypt with N = 2^17 or more; older hashes still verify and are
replaced at the next good sign-in (tthc/auth/passwords.py)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from tests.auth import factories
from tests.auth.test_login import sign_in
from tthc.auth import passwords, services
from tthc.extensions import db
from tthc.models import Staff


def scrypt_n(password_hash: str) -> int:
    method = password_hash.split("$", 1)[0]
    name, n, r, p = method.split(":")
    assert name == "scrypt"
    return int(n)


def test_new_hashes_are_scrypt_with_n_of_2_to_the_17_or_more():
    password_hash = passwords.hash_password("mot-mat-khau-tot-42")
    assert scrypt_n(password_hash) >= 2 ** 17
    assert scrypt_n(generate_password_hash("x")) < 2 ** 17  # Werkzeug's default is not enough
    assert passwords.verify_password(password_hash, "mot-mat-khau-tot-42")
    assert not passwords.verify_password(password_hash, "mot-mat-khau-tot-43")
    assert not passwords.needs_rehash(password_hash)


def test_an_old_hash_verifies_and_is_upgraded_at_the_next_sign_in(app, client):
    with app.app_context():
        old = generate_password_hash(factories.PASSWORD)  # Werkzeug's default, N = 2^15
        staff = factories.make_staff(factories.demo_office(), "tiepnhan2")
        staff.password_hash = old
        db.session.commit()
        staff_id = staff.id
    assert passwords.needs_rehash(old)
    assert sign_in(client, "tiepnhan2", "wrong-password").status_code == 422
    with app.app_context():
        assert db.session.get(Staff, staff_id).password_hash == old  # not on a failure
    assert sign_in(client, "tiepnhan2", factories.PASSWORD).status_code == 303
    with app.app_context():
        new = db.session.get(Staff, staff_id).password_hash
    assert new != old and scrypt_n(new) == 2 ** 17
    assert check_password_hash(new, factories.PASSWORD)
    assert sign_in(app.test_client(), "tiepnhan2", factories.PASSWORD).status_code == 303


def test_accounts_made_by_the_services_get_the_strong_hash(app):
    with app.app_context():
        staff = services.create_staff(office_code="demo", username="ha.vu",
                                      password="mot-mat-khau-tot-42", roles=["reception"])
        assert scrypt_n(staff.password_hash) >= 2 ** 17
        services.set_password(staff, "mot-mat-khau-khac-42")
        assert scrypt_n(db.session.get(Staff, staff.id).password_hash) >= 2 ** 17
