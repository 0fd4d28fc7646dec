from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import NPO, Economy, User


@admin.register(Economy)
class EconomyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "time_zone"]
    search_fields = ["name", "code"]


@admin.register(NPO)
class NPOAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "economy"]
    search_fields = ["name", "acronym", "economy__name"]
    list_select_related = ["economy"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "npo", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "npo__economy"]
    list_select_related = ["npo__economy"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["npo"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "time_zone"]}),
        ("Role", {"fields": ["role", "npo"]}),
        ("Django admin", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "role", "npo", "password1", "password2"]}),
    ]
