"""Port of ``WSOA.m``, the War Strategy Optimization function of Ayyarao et al. (IEEE Access 10, 2022, 25073-25105).

Source: the authors' MATLAB code, ``function [King_fit,King,Convergence_curve]=WSOA(Soldiers_no,Max_iter,lb,ub,dim,fobj)``,
published on MATLAB Central File Exchange as "War Strategy Optimization Algorithm for MATLAB" (T. S. L. V. Ayyarao;
named as its source by https://www.mathworks.com/matlabcentral/fileexchange/181382-improved-war-strategy-optimization-algorithm).

For the faithfulness check only, not library code. The control flow is the MATLAB one: the initial soldiers are
evaluated one by one; each iteration takes the commander from the stored evaluations, draws one permutation, then
moves, clips, evaluates and greedily accepts soldier by soldier (the king and the positions change inside the loop);
after the loop, while the counter is below 1000, the worst soldier by its stored evaluation is put at
``lb + rand * (ub - lb)`` with one scalar ``rand`` (a point of the box diagonal) and is not evaluated. ``R = 0.8``.

The one departure: MATLAB leaves ``Convergence_curve(1)`` at 0 (it fills entries 2..Max_iter); here the first entry is
the best of the initial soldiers, so every entry is a best-so-far value.
"""

import numpy as np

R = 0.8
RELOCATION_ITERATIONS = 1000


def run(objective, lb, ub, dim, pop_size, max_iter, rng):
    """One run of ``WSOA``; returns the king's value after the initial population and each iteration, shape (max_iter,)."""
    positions = lb + rng.random((pop_size, dim)) * (ub - lb)
    fitness_old = np.empty(pop_size)
    king, king_fit = np.zeros(dim), np.inf
    for j in range(pop_size):
        fitness_old[j] = objective(positions[j])
        if fitness_old[j] < king_fit:
            king, king_fit = positions[j].copy(), fitness_old[j]
    w1 = np.full(pop_size, 2.0)
    wg = np.zeros(pop_size)
    curve = np.empty(max_iter)
    curve[0] = king_fit
    l = 1
    while l < max_iter:
        commander = positions[np.argsort(fitness_old, kind="stable")[1]].copy()
        com = rng.permutation(pop_size)
        for i in range(pop_size):
            rr = rng.random()
            if rr < R:
                step = 2 * rr * (king - positions[com[i]]) + w1[i] * rng.random() * (commander - positions[i])
            else:
                step = 2 * rr * (commander - king) + rng.random() * (w1[i] * king - positions[i])
            new = np.clip(positions[i] + step, lb, ub)
            fitness = objective(new)
            if fitness < king_fit:
                king, king_fit = new.copy(), fitness
            if fitness < fitness_old[i]:
                positions[i] = new
                fitness_old[i] = fitness
                wg[i] += 1
                w1[i] *= (1 - wg[i] / max_iter) ** 2
        if l < RELOCATION_ITERATIONS:
            positions[np.argmax(fitness_old)] = lb + rng.random() * (ub - lb)
        l += 1
        curve[l - 1] = king_fit
    return curve
