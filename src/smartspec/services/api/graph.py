"""The activity space as a drawable graph: a backbone of proximity links and a layout."""

from __future__ import annotations

import numpy as np

__all__ = ["backbone", "layout"]


def layout(n: int, edges: np.ndarray, weights: np.ndarray, seed: int = 42) -> np.ndarray:
    """Force-directed positions in [0, 1]² (Fruchterman-Reingold, spectral start), deterministic.

    Parameters
    ----------
    n : int
        Number of nodes.
    edges : numpy.ndarray
        ``(E, 2)`` node positions of the links.
    weights : numpy.ndarray
        ``(E,)`` link strengths (proximity): stronger links pull harder.
    seed : int
        Seed of the small random perturbation, for the same layout on every call.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` positions, each axis scaled to [0, 1].
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    rng = np.random.default_rng(seed)
    adj = np.zeros((n, n))
    if len(edges):
        adj[edges[:, 0], edges[:, 1]] = weights
        adj[edges[:, 1], edges[:, 0]] = weights
    deg = adj.sum(axis=1)
    pos = rng.random((n, 2))
    if n > 3 and (deg > 0).all():
        lap = np.diag(deg) - adj
        try:
            _, vecs = np.linalg.eigh(lap)
            pos = vecs[:, 1:3] + rng.normal(scale=1e-3, size=(n, 2))
        except np.linalg.LinAlgError:  # pragma: no cover - keep the random start
            pass
    pos = (pos - pos.min(axis=0)) / np.maximum(np.ptp(pos, axis=0), 1e-12)
    k = 1.0 / np.sqrt(n)
    temperature = 0.1
    iterations = 80 if n <= 250 else 40  # the spectral start is already a fair layout
    pos, adj = pos.astype(np.float32), adj.astype(np.float32)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=-1))
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 1e-4)
        force = k * k / dist**2 - adj * dist / k
        np.fill_diagonal(force, 0.0)
        disp = (delta * force[:, :, None]).sum(axis=1)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= 0.1 / iterations
    pos = pos.astype(np.float64)
    pos = (pos - pos.min(axis=0)) / np.maximum(np.ptp(pos, axis=0), 1e-12)
    return pos


def backbone(phi: np.ndarray, extra: int) -> list[tuple[int, int, float, str]]:
    """Maximum spanning tree (forest) of the proximity graph plus the ``extra`` strongest links.

    Parameters
    ----------
    phi : numpy.ndarray
        ``(A, A)`` proximity of one period (NaN and zero mean no link).
    extra : int
        Links to add beyond the tree, strongest first.

    Returns
    -------
    list of (int, int, float, str)
        ``(i, j, proximity, kind)`` with ``i < j`` for extra links and ``kind`` ``"mst"`` or
        ``"extra"``.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import minimum_spanning_tree

    A = phi.shape[0]
    w = np.nan_to_num(phi, nan=0.0)
    w = np.triu(np.maximum(w, w.T), k=1)
    iu, ju = np.nonzero(w > 0)
    vals = w[iu, ju]
    if len(vals) == 0:
        return []
    # heavier proximity = lighter edge; every weight stays > 0 so that no edge is lost
    cost = csr_array((2.0 - vals, (iu, ju)), shape=(A, A))
    tree = minimum_spanning_tree(cost).tocoo()
    edges = [
        (int(i), int(j), float(w[min(i, j), max(i, j)]), "mst")
        for i, j in zip(tree.row, tree.col, strict=True)
    ]
    in_tree = {(min(i, j), max(i, j)) for i, j, _, _ in edges}
    order = np.argsort(-vals, kind="stable")
    added = 0
    for o in order:
        if added >= extra:
            break
        key = (int(iu[o]), int(ju[o]))
        if key in in_tree:
            continue
        edges.append((key[0], key[1], float(vals[o]), "extra"))
        added += 1
    return edges
