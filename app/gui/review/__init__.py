"""The QA review window (qa and admin users): logged inspections with filters and paging, the
image and the model's questions and answers, review with a reason, CSV export, charts.

    window = ReviewWindow(db_path, user)   # user as Store.authenticate returns it
    window.show()

`python -m app.gui.review DB --user NAME` opens it on a database by itself.
"""

from app.gui.review.export import export_filtered
from app.gui.review.filters import ReviewFilter
from app.gui.review.window import ReviewWindow

__all__ = ["ReviewFilter", "ReviewWindow", "export_filtered"]
