"""Open the QA review window on a station database by itself.

    python -m app.gui.review [--db PATH] [--user NAME] [--lang en|ja]
    SQINSPECT_PASSWORD=... python -m app.gui.review --db PATH --user NAME --screenshot review.png

Signs in with the sign-in dialog, or as --user with the password in $SQINSPECT_PASSWORD (needed
for --screenshot, which renders the window without a screen, saves it as PNG and exits).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ENV_USER = "SQINSPECT_USER"
ENV_PASSWORD = "SQINSPECT_PASSWORD"


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT") from None
    if not (320 <= w <= 10000 and 240 <= h <= 10000):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be 320x240 to 10000x10000")
    return w, h


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m app.gui.review", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", type=Path, metavar="PATH", help="station database (default: in the data folder)")
    p.add_argument("--user", metavar="NAME", help=f"sign in as NAME with the password in ${ENV_PASSWORD} "
                                                   f"(default ${ENV_USER}; without a password: the sign-in dialog)")
    p.add_argument("--lang", choices=("en", "ja"), default="en", help="language of the window")
    p.add_argument("--system-theme", action="store_true", help="the desktop's colours instead of the station theme")
    p.add_argument("--screenshot", type=Path, metavar="PNG", help="render the window into PNG and exit")
    p.add_argument("--size", type=_size, metavar="WxH", help="window size in pixels")
    p.add_argument("--select", type=int, metavar="ID", help="select this inspection (on the first page)")
    p.add_argument("--charts", action="store_true", help="show the Charts tab")
    p.add_argument("--all-dates", action="store_true", help="start with all dates instead of the last 30 days")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from app.gui import i18n, theme
    from app.gui.review import ReviewFilter, ReviewWindow
    from app.store import Store, StoreError, default_db_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SQ-Inspect")
    app.setOrganizationName("SQ-Inspect")
    if not args.system_theme:
        theme.apply(app)
    i18n.set_language(args.lang)

    db_path = args.db or default_db_path()
    username = args.user or os.environ.get(ENV_USER)
    password = os.environ.get(ENV_PASSWORD)
    try:
        with Store(db_path, create=False) as store:
            if username and password:
                user = store.authenticate(username, password)
            elif args.screenshot:
                print(f"--screenshot signs in without a dialog: give --user NAME and the password in ${ENV_PASSWORD}",
                      file=sys.stderr)
                return 2
            else:
                from app.gui.login import sign_in

                user = sign_in(store, None, username or "")
                if user is None:
                    return 1
        window = ReviewWindow(db_path, user)
    except StoreError as exc:
        print(f"review: {exc}", file=sys.stderr)
        return 2
    if args.size:
        window.resize(*args.size)
    if args.all_dates:
        window.filter_bar.set_filter(ReviewFilter())
    if args.select is not None:
        window.wait_for_page()
        window.select_inspection(args.select)
    if args.charts:
        window.tabs.setCurrentWidget(window.charts)
    window.show()
    if args.screenshot:
        app.processEvents()
        window.charts.wait(60_000)  # the charts' statistics come from a worker thread
        app.processEvents()
        ok = window.grab().save(str(args.screenshot))
        window.close()
        if not ok:
            print(f"review: could not write {args.screenshot}", file=sys.stderr)
            return 2
        print(args.screenshot)
        return 0
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
