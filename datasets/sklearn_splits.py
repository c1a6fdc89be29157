#!/usr/bin/python3
"""Write scikit-learn's bundled iris, wine, breast cancer and digits sets as
CSV train/test splits: 75/25, stratified, random_state 0, the label in the
first column, the features as shipped (learnkit standardizes CSV features on
the training rows by default, as StandardScaler does).

    /usr/bin/python3 datasets/sklearn_splits.py tests/data

writes NAME-train.csv and NAME-test.csv for each set into the directory."""
import os
import sys

from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split

SETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer,
        "digits": load_digits}


def split(name):
    """(x_train, x_test, y_train, y_test) of the named set."""
    d = SETS[name]()
    return train_test_split(d.data, d.target, test_size=0.25, stratify=d.target,
                            random_state=0)


def fmt(v):
    """Shortest text that reads back as the same double."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def write(path, x, y):
    with open(path, "w") as f:
        f.write("label," + ",".join("f%d" % (j + 1) for j in range(x.shape[1])) + "\n")
        for row, label in zip(x, y):
            f.write(str(int(label)) + "," + ",".join(fmt(v) for v in row) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for name in SETS:
        xtr, xte, ytr, yte = split(name)
        write(os.path.join(out, name + "-train.csv"), xtr, ytr)
        write(os.path.join(out, name + "-test.csv"), xte, yte)
        print("%-14s %4d train, %4d test, %2d features" % (name, len(ytr), len(yte),
                                                          xtr.shape[1]))


if __name__ == "__main__":
    main()
