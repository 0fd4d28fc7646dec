from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One thing somebody did, for the whole portal.

    `action` is namespaced (`projects.project.published`, `nominations.nomination.selected`), the
    target is named by model label and primary key (no generic foreign key: the entry must outlive
    the row), and `economy` scopes who may read the entry.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255, blank=True)
    economy = models.ForeignKey("accounts.Economy", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
