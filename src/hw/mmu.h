/*
 * hw/mmu.h — the hardware half in one include: what the kernel side uses.
 *
 *   hw/pte.h        entry bits (SDM and Linux names), levels, build/decode
 *   hw/config.h     struct hw_config and its key=value interface
 *   hw/presets.h    named machines
 *   hw/machine.h    RAM + configuration + cores
 *   hw/cpu.h        a core: registers, instructions (MOV CR*, INVLPG, ...),
 *                   counters
 *   hw/seg.h        segmentation: descriptors, segment registers, FS/GS
 *   hw/translate.h  hw_translate, hw_access
 *   hw/trace.h      narration events
 */
#ifndef MMSIM_HW_MMU_H
#define MMSIM_HW_MMU_H

#include "hw/config.h"
#include "hw/cpu.h"
#include "hw/machine.h"
#include "hw/presets.h"
#include "hw/seg.h"
#include "hw/pte.h"
#include "hw/trace.h"
#include "hw/translate.h"

#endif
