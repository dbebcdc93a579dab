"""Forms of the user pages. Rules (who may, last administrator, scope per role) live in services."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import enterprise_model, organisation_model
from .roles import Role

Enterprise = enterprise_model()
Organisation = organisation_model()


class EnterpriseField(forms.CharField):
    """An enterprise named by its national identifier or its register number (#123)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Enterprise users only: national identifier, or the register number "
                                         "shown on the enterprise's page (#123)."))
        super().__init__(max_length=64, required=False, label=_("Enterprise"), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            ent = Enterprise.objects.filter(pk=value).first()
            return f"#{ent.pk}" if ent else ""
        if isinstance(value, Enterprise):
            return f"#{value.pk}"
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        number = text.lstrip("#")
        query = Q(national_id__iexact=text)
        if number.isdigit():
            query |= Q(pk=int(number))
        matches = list(Enterprise.objects.filter(query)[:2])
        if not matches:
            raise forms.ValidationError(_("No enterprise has the identifier or number %(v)s."), params={"v": text})
        if len(matches) > 1:
            raise forms.ValidationError(_("%(v)s matches several enterprises; use the register number (#123)."),
                                        params={"v": text})
        return matches[0]


class UserAccessForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.order_by("name"),
        help_text=_("Association managers: their association. Agency staff: the agency."))
    enterprise = EnterpriseField()

    def __init__(self, *args, own_account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if own_account:  # no one changes their own role or scope
            for name in ("role", "organisation", "enterprise"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Another administrator must change this on your own account.")


class UserCreateForm(UserAccessForm):
    LINK, TEMPORARY = "link", "temporary"
    username = forms.CharField(label=_("User name"), max_length=150)
    password_mode = forms.ChoiceField(
        label=_("First password"), widget=forms.RadioSelect, initial=LINK,
        choices=[(LINK, _("E-mail a link to choose a password")),
                 (TEMPORARY, _("Set a temporary password now, to pass on by hand"))])
    field_order = ["username", "first_name", "last_name", "email", "role", "organisation", "enterprise",
                   "password_mode"]

    def clean(self):
        data = super().clean()
        if data.get("password_mode") == self.LINK and not data.get("email"):
            self.add_error("email", _("An e-mail address is needed to send the link."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Label"), max_length=100, required=False,
                           help_text=_("What the token is for, e.g. the name of the integration."))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Active and inactive")), ("yes", _("Active")),
                                        ("no", _("Inactive"))])
