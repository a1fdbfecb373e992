/*
 * run_hooks.h - connect a run's observers and trace to the BGP core's
 * hooks (run_hooks.c).
 */
#ifndef ERSIM_RUN_HOOKS_H
#define ERSIM_RUN_HOOKS_H

#include "ersim/world.h"

/* Install the run's hooks in w (w->opts set): from now on every session
 * change, best-route change and UPDATE reaches observe.c and the trace. */
void ers_run_hooks_install(struct ers_world *w);

#endif
