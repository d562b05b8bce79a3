"""The desktop GUI (PySide6): the inspector station, the QA review, settings.

Capture and inference run in worker threads that talk to the windows by signals; the GUI
thread only paints and reacts. Everything here is torch-free.
"""
