"""URLs of the register's pages (included at the site root)."""

from importlib.util import find_spec

from django.urls import include, path

from . import views, views_changes

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/map/", views.enterprise_map, name="enterprise_map"),
    path("enterprises/map-data/", views.enterprise_map_data, name="enterprise_map_data"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/popup/", views.enterprise_popup, name="enterprise_popup"),
    path("enterprises/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("enterprises/<int:pk>/change-request/", views_changes.change_request_create, name="change_request_create"),
    path("enterprises/change-requests/", views_changes.change_request_list, name="change_request_list"),
    path("enterprises/change-requests/<int:pk>/decide/", views_changes.change_request_decide,
         name="change_request_decide"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/members/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("territories/select/", views.territory_select, name="territory_select"),
]

# Import and export pages (enterprise_import, enterprise_export) live in their own module.
if find_spec("triplec.registry.urls_import") is not None:
    urlpatterns.append(path("", include("triplec.registry.urls_import")))
