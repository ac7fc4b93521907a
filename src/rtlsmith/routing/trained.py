"""Pre-generation routers trained on recorded runs, scored out of fold: a task's score always comes from a
model that never saw that task (folds are disjoint by task)."""

from __future__ import annotations

import pickle
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rtlsmith.errors import UsageError

if TYPE_CHECKING:
    from rtlsmith.routing.routers import ThresholdRouter

TRAINED_KINDS = ("logistic", "boosting")


def task_folds(tasks: Sequence[str], k: int, seed: int = 0) -> list[tuple[list[str], list[str]]]:
    """k (train, test) splits by task: every task is tested exactly once, never in its own training set."""
    unique = sorted(set(tasks))
    if k < 2 or k > len(unique):
        raise UsageError(f"--folds must be between 2 and the number of tasks ({len(unique)}), not {k}")
    order = unique[:]
    random.Random(seed).shuffle(order)
    parts = [order[i::k] for i in range(k)]
    return [([t for j, p in enumerate(parts) if j != i for t in p], sorted(parts[i])) for i in range(k)]


def _model(kind: str, seed: int) -> Any:
    try:
        from sklearn.ensemble import GradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError("trained routers need scikit-learn: pip install 'rtlsmith[routing]'") from exc
    if kind == "logistic":
        return make_pipeline(
            StandardScaler(), LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        )
    if kind == "boosting":
        return GradientBoostingClassifier(n_estimators=50, max_depth=2, learning_rate=0.1, random_state=seed)
    raise UsageError(f"unknown trained router {kind!r}; use one of {', '.join(TRAINED_KINDS)}")


def out_of_fold_scores(
    kind: str,
    features: Mapping[str, Sequence[float]],
    labels: Mapping[str, int],
    folds: Sequence[tuple[Sequence[str], Sequence[str]]],
    seed: int = 0,
) -> dict[str, float]:
    """Each test task's predicted chance that the strong tier is needed, from the model of its fold.

    A training fold with one class only predicts that class's share for every test task."""
    scores: dict[str, float] = {}
    for train, test in folds:
        y = [labels[t] for t in train]
        if len(set(y)) < 2:
            for t in test:
                scores[t] = sum(y) / len(y) if y else 0.0
            continue
        model = _model(kind, seed)
        model.fit([list(features[t]) for t in train], y)
        proba = model.predict_proba([list(features[t]) for t in test])
        for t, p in zip(test, proba, strict=True):
            scores[t] = float(p[1])
    return scores


def save_router(
    path: Path, kind: str, features: Mapping[str, Sequence[float]], labels: Mapping[str, int], seed: int = 0
) -> None:
    """Train `kind` on every task of the stored runs and write it (pickled) for `bench --router trained`.

    Its score is the predicted chance that the strong tier is needed (strong passes, weak does not)."""
    tasks = sorted(labels)
    y = [labels[t] for t in tasks]
    if len(set(y)) < 2:
        raise UsageError("cannot train a router: the strong tier never (or always) wins over the weak one")
    model = _model(kind, seed)
    model.fit([list(features[t]) for t in tasks], y)
    from rtlsmith.routing.features import FEATURE_NAMES

    payload = {"kind": kind, "model": model, "features": list(FEATURE_NAMES), "tasks": len(tasks)}
    path.write_bytes(pickle.dumps(payload))


def load_router(path: Path) -> dict[str, Any]:
    """A router written by `save_router` (a pickle: load only files you wrote)."""
    from rtlsmith.routing.features import FEATURE_NAMES

    try:
        payload = pickle.loads(path.read_bytes())
    except Exception as exc:  # a file that is not a pickle fails in many ways (ValueError, KeyError, ...)
        raise UsageError(
            f"cannot read the router model {path} ({type(exc).__name__}: {exc}); write it with "
            "route eval --save-model"
        ) from exc
    if not isinstance(payload, dict) or payload.get("features") != list(FEATURE_NAMES):
        raise UsageError(
            f"{path} is not a router model of this rtlsmith (write it with route eval --save-model)"
        )
    return payload


def threshold_router(weak: str, strong: str, path: Path) -> ThresholdRouter:
    """The live router of a saved model (`route eval --save-model`): the strong tier where the predicted
    chance that it is needed is 0.5 or more, from the public task's features only."""
    from rtlsmith.routing.features import task_features
    from rtlsmith.routing.routers import ThresholdRouter

    model = load_router(path)["model"]

    def score(task: Any) -> float:
        return float(model.predict_proba([task_features(task)])[0][1])

    return ThresholdRouter(weak, strong, score, 0.5, name="trained")
