"""Time the classifiers of ``mlnotes.classical`` against scikit-learn on the digits.

The pairs, the split and the hyperparameters are those of
``notebooks/03-classical-ml/07-classifiers-on-digits.ipynb`` (1347 training images, one
fixed stratified split). For each pair: the median fit time of ours and of scikit-learn's
(CPU time of this process, so that other jobs on a shared machine inflate it less; 5 runs,
3 for the slow ensembles, after one warm-up), their ratio, the median prediction time on
the 450 test images, and both test accuracies.

Budget: the notebook must run in <= 30 s on an idle 2-core machine; its fits (ours and
scikit-learn's, each once) get 20 s of that.

Run:  python benchmarks/bench_classical.py   (writes benchmarks/results/classical.md)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from _common import median_ms, write_report  # noqa: E402

from mlnotes import classical, data

BUDGET_S = 20.0

PAIRS = [
    ("logistic OvR, C=1 (Newton vs lbfgs tol 1e-10)", lambda X, y: classical.fit_logistic(X, y, C=1.0),
     lambda: OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000))),
    ("linear SVM, C=1 (SMO vs LIBSVM)", lambda X, y: classical.fit_svm(X, y, 1.0, "linear"),
     lambda: SVC(kernel="linear", C=1.0)),
    ("RBF SVM, C=10, gamma=scale", lambda X, y: classical.fit_svm(X, y, 10.0, "rbf"),
     lambda: SVC(C=10.0, gamma="scale")),
    ("Gaussian NB, var_smoothing=0.01", lambda X, y: classical.fit_gaussian_nb(X, y, 0.01),
     lambda: GaussianNB(var_smoothing=0.01)),
    ("LDA (lsqr)", classical.fit_lda, lambda: LinearDiscriminantAnalysis(solver="lsqr")),
    ("QDA, reg_param=0.01", lambda X, y: classical.fit_qda(X, y, reg_param=0.01),
     lambda: QuadraticDiscriminantAnalysis(reg_param=0.01)),
    ("kNN, k=3 (brute force)", lambda X, y: classical.fit_knn(X, y, k=3),
     lambda: KNeighborsClassifier(3, algorithm="brute")),
    ("CART tree (full depth)", classical.fit_tree, lambda: DecisionTreeClassifier(random_state=0)),
    ("random forest, 30 trees", lambda X, y: classical.fit_forest(X, y, n_trees=30),
     lambda: RandomForestClassifier(30, random_state=0)),
    ("AdaBoost (SAMME), 30 depth-3 trees", lambda X, y: classical.fit_adaboost(X, y, 30, max_depth=3),
     lambda: AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=30, random_state=0)),
    ("gradient boosting, 20 rounds, depth 3, lr 0.3",
     lambda X, y: classical.fit_gradient_boosting(X, y, 20, 0.3, 3),
     lambda: GradientBoostingClassifier(n_estimators=20, learning_rate=0.3, max_depth=3, random_state=0)),
]
SLOW = {"random forest, 30 trees", "AdaBoost (SAMME), 30 depth-3 trees",
        "gradient boosting, 20 rounds, depth 3, lr 0.3"}


def main() -> int:
    X, y = data.digits()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    rows, total = [], 0.0
    for name, fit_ours, make_ref in PAIRS:
        rep = 3 if name in SLOW else 5
        ours = median_ms(lambda: fit_ours(Xtr, ytr), repeat=rep, clock=time.process_time)
        ref = median_ms(lambda: make_ref().fit(Xtr, ytr), repeat=rep, clock=time.process_time)
        model, est = fit_ours(Xtr, ytr), make_ref().fit(Xtr, ytr)
        pred_o = median_ms(lambda: classical.predict(model, Xte), clock=time.process_time)
        pred_r = median_ms(lambda: est.predict(Xte), clock=time.process_time)
        acc_o = np.mean(classical.predict(model, Xte) == yte)
        acc_r = np.mean(est.predict(Xte) == yte)
        total += (ours + ref) / 1e3
        rows.append(f"| {name} | {ours:.1f} | {ref:.1f} | {ours / ref:.2f} | {pred_o:.1f} | {pred_r:.1f} "
                    f"| {acc_o:.4f} | {acc_r:.4f} |")
        print(rows[-1], flush=True)
    ok = total <= BUDGET_S
    md = "\n".join([
        "# Classical classifiers on the digits (`mlnotes.classical` vs scikit-learn)",
        "",
        f"`python benchmarks/bench_classical.py` on Python {sys.version.split()[0]}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, load average "
        f"{os.getloadavg()[0]:.2f} at the end. The split and settings of "
        "`notebooks/03-classical-ml/07-classifiers-on-digits.ipynb` (1347 training, 450 test images). "
        "Times are CPU ms of this process, medians of 5 runs (3 for the ensembles) after one warm-up; "
        "ratio = ours / scikit-learn (above 1: ours is slower).",
        "",
        "| classifier | fit ours (ms) | fit sklearn (ms) | ratio | predict ours (ms) | predict sklearn (ms) "
        "| acc. ours | acc. sklearn |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"All fits once, ours and scikit-learn's: {total:.1f} s (budget {BUDGET_S:.0f} s of the notebook's 30 s). "
        f"Within budget: {'yes' if ok else 'NO'}.",
        "",
    ])
    return write_report("classical", md, ok)


if __name__ == "__main__":
    sys.exit(main())
