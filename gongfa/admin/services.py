"""What changing an account means for both its record (people) and its sign-ins (auth)."""

from gongfa.auth import services as auth_services
from gongfa.org.models import LawFirm
from gongfa.people import services as people
from gongfa.people.models import User


def update_account(user: User, *, full_name: str, full_name_native: str, phone: str, law_firm: LawFirm | None,
                   licence_no: str, is_active: bool, native_lang: str | None = None) -> User:
    """Edit an account; deactivating it ends all its sessions at once."""
    people.update_user(user, full_name=full_name, full_name_native=full_name_native, native_lang=native_lang,
                       phone=phone, law_firm=law_firm, licence_no=licence_no, is_active=is_active)
    if not is_active:
        auth_services.end_all_sessions(user)
    return user


def reset_password(user: User, *, password: str, actor_id: int) -> None:
    """Set a new password for someone who forgot theirs: it also lifts a lockout and ends their sessions."""
    auth_services.set_password(user, password=password, actor_id=actor_id)
    auth_services.clear_login_failures(user)
    auth_services.end_all_sessions(user)
