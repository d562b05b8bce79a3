import os

# Qt must never try to open a real display in tests or CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Two cores: keep torch from oversubscribing when tests run beside each other.
os.environ.setdefault("OMP_NUM_THREADS", "2")
