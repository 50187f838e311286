"""The activity space as a drawable network: a backbone of proximity links and its layout.

The activity space (the "product space" of Hidalgo et al. 2007) links every pair of activities
by their proximity; drawn whole it is a hairball. :func:`backbone` keeps its skeleton, the
maximum spanning tree plus the strongest remaining links, and :func:`layout` places the nodes
with a force-directed algorithm (Fruchterman & Reingold 1991) from a spectral start, the same
picture on every call. Both are pure numpy / scipy; the API's ``/network`` and the dashboard's
activity space draw what they return.

Examples
--------
>>> import numpy as np
>>> phi = np.array(
...     [
...         [0.0, 0.9, 0.2, 0.1],
...         [0.9, 0.0, 0.8, 0.3],
...         [0.2, 0.8, 0.0, 0.7],
...         [0.1, 0.3, 0.7, 0.0],
...     ]
... )
>>> edges = backbone(phi, extra=1)
>>> edges
[(0, 1, 0.9, 'mst'), (1, 2, 0.8, 'mst'), (2, 3, 0.7, 'mst'), (1, 3, 0.3, 'extra')]
>>> pairs = np.array([(i, j) for i, j, _, _ in edges])
>>> pos = layout(4, pairs, np.array([w for _, _, w, _ in edges]))
>>> pos.shape, bool(pos.min() == 0.0), bool(pos.max() == 1.0)
((4, 2), True, True)

References
----------
.. [1] Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
   conditions the development of nations. *Science* 317(5837), 482-487.
.. [2] Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed
   placement. *Software: Practice and Experience* 21(11), 1129-1164.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ValidationError

__all__ = ["Link", "backbone", "layout"]

#: One link of the backbone: ``(i, j, proximity, kind)``, ``kind`` ``"mst"`` or ``"extra"``.
Link = tuple[int, int, float, str]


def backbone(proximity: ArrayLike, extra: int = 0) -> list[Link]:
    """The maximum spanning tree (forest) of a proximity network plus its ``extra`` strongest
    other links: the backbone of the activity space (Hidalgo et al. 2007 [1]_).

    The proximity matrix is made symmetric, :math:`w_{ij} = \\max(\\phi_{ij}, \\phi_{ji})`,
    missing values and zeros meaning no link. The maximum spanning tree :math:`T` is the set of
    :math:`A - 1` links (per connected component) that connects every activity with the largest
    total proximity,

    .. math:: T = \\arg\\max_{T' \\text{ spanning tree}} \\sum_{(i, j) \\in T'} w_{ij},

    computed as the minimum spanning tree of the costs :math:`c - w_{ij}` with
    :math:`c = \\max(2, 1 + \\max w) > \\max w` (every cost stays positive, so no link is
    lost, and the order of the links, hence the tree, is that of the proximities). Hidalgo et
    al. then add the links above a proximity threshold; here the ``extra`` strongest links not
    in the tree are added, strongest first.

    Parameters
    ----------
    proximity : array_like
        ``(A, A)`` proximity of one period (NaN and zero mean no link; the diagonal is ignored).
    extra : int, default 0
        Links to add beyond the tree, strongest first (ties in the order of ``(i, j)``).

    Returns
    -------
    list of (int, int, float, str)
        ``(i, j, proximity, kind)``: first the tree's links (``kind`` ``"mst"``), then the
        extra ones (``kind`` ``"extra"``, with ``i < j``). Empty when there is no link at all.

    Raises
    ------
    ValidationError
        When ``proximity`` is not a square matrix or ``extra`` is negative.

    See Also
    --------
    layout : positions of the nodes for drawing the backbone.
    smartspec.core.relatedness.proximity : the proximity matrix itself.

    Examples
    --------
    A complete graph of four activities: the tree keeps the three strongest links that close no
    cycle (0.9, 0.8 and 0.7; 0.75 would close the triangle 0-1-2).

    >>> import numpy as np
    >>> phi = np.array(
    ...     [
    ...         [0.0, 0.9, 0.75, 0.1],
    ...         [0.9, 0.0, 0.8, 0.3],
    ...         [0.75, 0.8, 0.0, 0.7],
    ...         [0.1, 0.3, 0.7, 0.0],
    ...     ]
    ... )
    >>> [(i, j, w) for i, j, w, _ in backbone(phi)]
    [(0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.7)]
    >>> backbone(phi, extra=1)[-1]
    (0, 2, 0.75, 'extra')
    """
    phi = np.asarray(proximity, dtype=np.float64)
    if phi.ndim != 2 or phi.shape[0] != phi.shape[1]:
        raise ValidationError(
            "the proximity matrix must be square",
            expected="an (A, A) matrix",
            found=f"shape {phi.shape}",
        )
    if extra < 0:
        raise ValidationError(
            "the number of extra links cannot be negative",
            expected="0 or more",
            found=str(extra),
        )
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import minimum_spanning_tree

    A = phi.shape[0]
    w = np.nan_to_num(phi, nan=0.0)
    w = np.triu(np.maximum(w, w.T), k=1)
    iu, ju = np.nonzero(w > 0)
    vals = w[iu, ju]
    if len(vals) == 0:
        return []
    # heavier proximity = lighter edge; every cost stays > 0 so that no edge is lost
    top = max(2.0, 1.0 + float(vals.max()))
    cost = csr_array((top - vals, (iu, ju)), shape=(A, A))
    tree = minimum_spanning_tree(cost).tocoo()
    edges: list[Link] = [
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


def layout(n: int, edges: ArrayLike, weights: ArrayLike, *, seed: int = 42) -> NDArray[np.float64]:
    """Force-directed positions of ``n`` nodes in :math:`[0, 1]^2` (Fruchterman & Reingold
    1991 [2]_, from a spectral start), the same for the same input and ``seed``.

    Start: the eigenvectors of the second and third smallest eigenvalues of the graph Laplacian
    :math:`L = D - W` (spectral drawing), when every node has a link and :math:`n > 3`;
    otherwise random positions. Then, in a unit square with :math:`k = 1 / \\sqrt{n}`, every
    pair of nodes at distance :math:`d` repels with force :math:`k^2 / d` and every link of
    weight :math:`w` attracts with force :math:`w \\, d^2 / k`; each node moves along its net
    force by at most the temperature, which cools linearly from 0.1 to 0 over 80 iterations
    (40 above 250 nodes). Each axis is finally scaled to :math:`[0, 1]`.

    Parameters
    ----------
    n : int
        Number of nodes.
    edges : array_like
        ``(E, 2)`` integer node indices (0 to ``n - 1``) of the links.
    weights : array_like
        ``(E,)`` link strengths (proximity): stronger links pull harder.
    seed : int, default 42
        Seed of the random start and of the small perturbation of the spectral start.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` float positions, each axis scaled to [0, 1] (one node: at the centre).

    Raises
    ------
    ValidationError
        When ``n`` is negative, ``edges`` is not ``(E, 2)`` indices below ``n`` or
        ``weights`` does not have one value per link.

    See Also
    --------
    backbone : the links to lay out.

    Examples
    --------
    >>> import numpy as np
    >>> layout(1, np.zeros((0, 2), dtype=int), np.zeros(0))
    array([[0.5, 0.5]])
    >>> square = np.array([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> pos = layout(4, square, np.ones(4))
    >>> pos.shape, bool(np.isfinite(pos).all())
    ((4, 2), True)
    >>> bool((layout(4, square, np.ones(4)) == pos).all())  # deterministic
    True
    """
    if n < 0:
        raise ValidationError(
            "the number of nodes cannot be negative", expected="0 or more", found=str(n)
        )
    links = np.asarray(edges)
    strength = np.asarray(weights, dtype=np.float64)
    if links.size == 0:
        links = links.reshape(0, 2).astype(np.int64)
    if links.ndim != 2 or links.shape[1] != 2 or not np.issubdtype(links.dtype, np.integer):
        raise ValidationError(
            "the links must be pairs of node indices",
            expected="an (E, 2) integer array",
            found=f"shape {links.shape}, dtype {links.dtype}",
        )
    if strength.shape != (len(links),):
        raise ValidationError(
            "there must be one weight per link",
            expected=f"{len(links)} weights",
            found=f"shape {strength.shape}",
        )
    if len(links) and (links.min() < 0 or links.max() >= n):
        raise ValidationError(
            "a link names a node that does not exist",
            expected=f"node indices 0 to {n - 1}",
            found=f"{links.min()} to {links.max()}",
        )
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    rng = np.random.default_rng(seed)
    adj = np.zeros((n, n))
    if len(links):
        adj[links[:, 0], links[:, 1]] = strength
        adj[links[:, 1], links[:, 0]] = strength
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
    p32, a32 = pos.astype(np.float32), adj.astype(np.float32)
    for _ in range(iterations):
        delta = p32[:, None, :] - p32[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=-1))
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 1e-4)
        force = k * k / dist**2 - a32 * dist / k
        np.fill_diagonal(force, 0.0)
        disp = (delta * force[:, :, None]).sum(axis=1)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        p32 += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= 0.1 / iterations
    out = p32.astype(np.float64)
    return (out - out.min(axis=0)) / np.maximum(np.ptp(out, axis=0), 1e-12)
