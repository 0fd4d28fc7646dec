"""The reports' figures per project, kept ready so that a decade of data adds up in milliseconds.

Whether a participant attended every session is a question about each of their marks against each of
their project's sessions: asked of 30,000 participants at once it took 330 ms of PostgreSQL (see
bench/RESULTS.md). Asked of one project it takes a few milliseconds, so the answer is stored per project
whenever that project's nominations, sessions, marks or certificates change (`reports.signals`), and the
reports add the stored rows up. `reports.services.figures_refresh` is the only writer."""

from django.db import models


class ProjectFigures(models.Model):
    """The funnel of one project for the candidates of one economy and one gender.

    Derived data: every row can be recomputed from the nominations, marks, sessions and certificates
    (`manage.py refresh_report_figures`), and a project's rows are replaced as a whole."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    economy = models.ForeignKey("accounts.Economy", on_delete=models.PROTECT, related_name="+")
    gender = models.CharField(max_length=10)
    # Submitted at some point, whatever became of them (drafts and withdrawals do not count).
    nominated = models.PositiveIntegerField()
    selected = models.PositiveIntegerField()
    # Selected as the NPOs were told: the decision announced (PRODUCT.md rule 11). What an NPO's reports count.
    selected_announced = models.PositiveIntegerField(default=0)
    # Selected, and an attended mark (present or late) for every session of a project that has sessions.
    attended_all = models.PositiveIntegerField()
    # Holding a valid (not revoked) certificate; `selected_certified` is the part of them still selected.
    certified = models.PositiveIntegerField()
    selected_certified = models.PositiveIntegerField()
    # Present or late marks of the selected candidates, over all sessions (for the attendance rate).
    attended_marks = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "project figures"
        constraints = [
            models.UniqueConstraint(fields=["project", "economy", "gender"], name="reports_one_row_per_group"),
        ]

    def __str__(self):
        return f"{self.project_id} / {self.economy_id} / {self.gender}"
