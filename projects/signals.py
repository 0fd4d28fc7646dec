"""The public catalogue's cached pages (projects.views.catalogue) last until a project or an economy
changes: then, once the change has committed, they are never read again."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import Economy
from common import generations

from .models import Project
from .selectors import CATALOGUE_GENERATION


@receiver([post_save, post_delete], sender=Project)
@receiver(m2m_changed, sender=Project.participating_economies.through)
@receiver(post_save, sender=Economy)
def _catalogue_changed(sender, **kwargs):
    generations.advance_on_commit(CATALOGUE_GENERATION)
