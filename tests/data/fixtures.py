"""What every fixture script here shares: where the data sets are, reading one column, and
writing floats to JSON (NaN and infinities as null)."""
import math
import os

import pandas as pd

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stats")


def load(name, column):
    frame = pd.read_csv(os.path.join(HERE, name))
    return frame[column].astype(float).to_numpy()


def clean(values):
    return [None if (v is None or not math.isfinite(v)) else float(v) for v in values]
