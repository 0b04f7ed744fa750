from django import template

register = template.Library()


@register.filter
def vietnamese_name(user):
    """Family name first, as Vietnamese names are written: "Nguyễn Thị Lan"."""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()
