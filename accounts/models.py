import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .email_address import InvalidEmailAddress, normalize_email, normalize_email_or_none


@functools.cache
def time_zone_names() -> frozenset[str]:
    # available_timezones() walks the tz database on disk; once per process is enough.
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


def time_zone_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The zones a person chooses from, as menus list them: the member economies' own zones first (from the
    economies' data, by economy, each labelled with the economies in it), then every other zone. One query."""
    economies: dict[str, list[str]] = {}
    for zone, name in Economy.objects.order_by("name").values_list("time_zone", "name"):
        economies.setdefault(zone, []).append(name)
    members = [(zone, ", ".join(names)) for zone, names in economies.items() if zone in time_zone_names()]
    others = [(zone, "") for zone in sorted(time_zone_names() - set(economies))]
    return [("Member economies", members), ("Other time zones", others)]


class Economy(models.Model):
    """One of the APO's member economies, named as the APO names it."""

    code = models.CharField("ISO code", max_length=2, unique=True, help_text="ISO 3166-1 alpha-2")
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, help_text="The time zone most of its officers work in.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "economies"

    def __str__(self):
        return self.name


class NPO(models.Model):
    """The National Productivity Organization that represents an economy in the APO."""

    economy = models.OneToOneField(Economy, on_delete=models.PROTECT, related_name="npo")
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["economy__name"]
        verbose_name = "NPO"
        verbose_name_plural = "NPOs"

    def __str__(self):
        return f"{self.name} ({self.economy.name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.SECRETARIAT)
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email):
        return normalize_email(email)

    def get_by_natural_key(self, email):
        # Exactly the normalized address: a database case-insensitive comparison would fold look-alikes.
        normal = normalize_email_or_none(email)
        if normal is None:
            raise self.model.DoesNotExist
        return self.get(email=normal)


# At module level so that the user's constraints (in its Meta, which cannot see the class body) name it too.
class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secretariat staff"
    NPO_OFFICER = "npo_officer", "NPO officer"
    PARTICIPANT = "participant", "Participant"


class User(AbstractBaseUser, PermissionsMixin):
    Role = Role

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    npo = models.ForeignKey(
        NPO,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="NPO",
        help_text="Required for NPO officers, empty for everyone else.",
    )
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        choices=time_zone_choices,
        help_text="Dates and deadlines are shown to you in this time zone.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("Django admin access", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # An NPO officer belongs to exactly one NPO; nobody else belongs to one.
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.NPO_OFFICER, npo__isnull=False)
                    | (~models.Q(role=Role.NPO_OFFICER) & models.Q(npo__isnull=True))
                ),
                name="accounts_user_npo_iff_officer",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def save(self, *args, **kwargs):
        # Whatever path an address takes in (factories, shell, fixtures), it is stored by the one rule.
        self.email = normalize_email_or_none(self.email) or self.email
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # The admin's forms save through here, not through the manager.
        try:
            self.email = normalize_email(self.email)
        except InvalidEmailAddress as error:
            raise ValidationError({"email": str(error)}) from error

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_secretariat(self):
        return self.is_active and self.role == self.Role.SECRETARIAT

    @property
    def is_npo_officer(self):
        return self.is_active and self.role == self.Role.NPO_OFFICER and self.npo_id is not None

    @property
    def is_participant(self):
        return self.is_active and self.role == self.Role.PARTICIPANT

    @property
    def economy_id(self):
        """The economy an NPO officer acts for; None for everyone else."""
        return self.npo.economy_id if self.is_npo_officer else None
