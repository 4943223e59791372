/* hv/vdev/apic_bus.c - Interrupt messages to local APICs: destination
 * resolution and delivery (the rules are in apic_bus.h). */
#include "hv/vdev/apic_bus.h"
#include "hv/vdev/vlapic.h"

static bool dest_matches(const struct vlapic_bus_view *t, uint32_t dest, bool logical)
{
	if (!logical) {
		if (dest == APIC_DEST_X2APIC_BROADCAST)
			return true;
		if (t->mode == VLAPIC_X2APIC)
			return dest == t->id;
		/* QEMU's apic_match_dest compares the low byte only */
		return dest == APIC_DEST_XAPIC_BROADCAST || (uint8_t)dest == t->id;
	}
	if (t->mode == VLAPIC_X2APIC)   /* SDM 10.12.10.2: cluster and member bits */
		return dest == APIC_DEST_X2APIC_BROADCAST ||
		       ((dest >> 16) == (t->ldr >> 16) && (dest & t->ldr & 0xffff));
	uint8_t d = (uint8_t)dest, ldr = (uint8_t)(t->ldr >> 24);
	switch (t->dfr_model) {
	case 0xf:   /* flat: a bit per LAPIC */
		return d & ldr;
	case 0x0:   /* cluster: 4-bit cluster (15 = all), 4 member bits */
		return ((d & 0xf0) == 0xf0 || (d & 0xf0) == (ldr & 0xf0)) && (d & ldr & 0x0f);
	default:
		return false;
	}
}

static bool is_target(const struct vlapic *l, const struct vlapic_bus_view *t, const struct apic_msg *msg)
{
	if (t->mode == VLAPIC_DISABLED)
		return false;
	switch (msg->shorthand) {
	case APIC_SH_SELF:
		return l == msg->src;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_ALL_BUT_SELF:
		return l != msg->src;
	default:
		return dest_matches(t, msg->dest, msg->dest_logical);
	}
}

/* Lowest priority (apic_bus.h): the first of the targets, as QEMU. */
static unsigned deliver_lowest(struct vlapic *const *lapics, unsigned count, const struct apic_msg *msg)
{
	for (unsigned i = 0; i < count; i++) {
		struct vlapic_bus_view t;
		if (!lapics[i])
			continue;
		vlapic_bus_view(lapics[i], &t);
		if (is_target(lapics[i], &t, msg)) {
			vlapic_accept(lapics[i], msg->vector, msg->level_triggered);
			return 1;
		}
	}
	return 0;
}

unsigned apic_bus_deliver(struct vlapic *const *lapics, unsigned count, const struct apic_msg *msg)
{
	unsigned reached = 0;

	switch (msg->delivery_mode) {
	case APIC_DM_LOWEST:
		return deliver_lowest(lapics, count, msg);
	case APIC_DM_FIXED:
	case APIC_DM_EXTINT:
	case APIC_DM_NMI:
	case APIC_DM_SIPI:
		break;
	case APIC_DM_INIT:
		if (msg->level_triggered && !msg->level_assert)
			return 0;   /* INIT level de-assert */
		break;
	default:
		return 0;   /* SMI, reserved */
	}
	for (unsigned i = 0; i < count; i++) {
		struct vlapic_bus_view t;
		if (!lapics[i])
			continue;
		vlapic_bus_view(lapics[i], &t);
		if (!is_target(lapics[i], &t, msg))
			continue;
		reached++;
		switch (msg->delivery_mode) {
		case APIC_DM_NMI:
			vlapic_deliver_nmi(lapics[i]);
			break;
		case APIC_DM_INIT:
			vlapic_deliver_init(lapics[i]);
			break;
		case APIC_DM_SIPI:
			vlapic_deliver_sipi(lapics[i], msg->vector);
			break;
		default:   /* fixed; ExtINT with the vector the sender fetched */
			vlapic_accept(lapics[i], msg->vector, msg->level_triggered);
			break;
		}
	}
	return reached;
}
