/* pr-sim.h — the phone simulator library (prsim)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-sim-types.h"
#include "pr-sim-phone.h"
#include "pr-sim-fleet.h"
