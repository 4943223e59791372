/* hv/vdev/vps2.c - PS/2 keyboard and mouse command handling (vps2.h). */
#include "hv/vdev/vps2.h"

/* Keyboard commands and replies. */
#define KBD_SET_LEDS        0xed
#define KBD_ECHO            0xee
#define KBD_SCANCODE_SET    0xf0
#define KBD_IDENTIFY        0xf2
#define KBD_SET_TYPEMATIC   0xf3
#define KBD_ENABLE          0xf4
#define KBD_DEFAULT_DISABLE 0xf5
#define KBD_DEFAULT_ENABLE  0xf6
#define KBD_ALL_TYPEMATIC   0xfa
#define KBD_SET_MAKE_BREAK  0xfc
#define KBD_RESET           0xff
#define KBD_ACK             0xfa
#define KBD_RESEND          0xfe
#define KBD_BAT_OK          0xaa
#define KBD_ID_FIRST        0xab
#define KBD_ID_MF2          0x83   /* the second ID byte of an MF2 keyboard */
#define KBD_ID_MF2_XLATED   0x41   /* ... after the 8042's translation */
#define KBD_TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */

/* Mouse commands. */
#define AUX_SCALE_1_1       0xe6
#define AUX_SCALE_2_1       0xe7
#define AUX_SET_RESOLUTION  0xe8
#define AUX_STATUS          0xe9
#define AUX_STREAM          0xea
#define AUX_POLL            0xeb
#define AUX_WRAP_OFF        0xec
#define AUX_WRAP_ON         0xee
#define AUX_REMOTE          0xf0
#define AUX_IDENTIFY        0xf2
#define AUX_SET_RATE        0xf3
#define AUX_ENABLE          0xf4
#define AUX_DISABLE         0xf5
#define AUX_DEFAULTS        0xf6
#define AUX_RESET           0xff
#define AUX_ACK             0xfa
#define AUX_BAT_OK          0xaa
#define AUX_STATUS_REMOTE   0x40
#define AUX_STATUS_ENABLED  0x20
#define AUX_STATUS_SCALE_2_1 0x10
#define AUX_PACKET_ALWAYS_1 0x08   /* bit 3 of a packet's first byte */
#define AUX_DEFAULT_RATE    100
#define AUX_DEFAULT_RES     2      /* 4 counts/mm */
#define AUX_TYPE_PS2        0
#define AUX_TYPE_IMPS2      3
#define AUX_TYPE_IMEX       4

_Static_assert(VPS2_QUEUE_SIZE < 256 && VPS2_REPLY_SIZE < 256, "queue indexes are bytes");

/* ---- keyboard ------------------------------------------------------------------ */

/* The reply to a command, in place of any reply not yet read. */
static void kbd_reply(struct vps2_kbd *k, unsigned n, uint8_t b0, uint8_t b1, uint8_t b2)
{
	k->reply[0] = b0;
	k->reply[1] = b1;
	k->reply[2] = b2;
	k->reply_head = 0;
	k->reply_count = (uint8_t)n;
}

/* What FF, F5 and F6 restore; FF also empties the queue (QEMU's
 * ps2_reset_keyboard empties it for all three). */
static void kbd_defaults(struct vps2_kbd *k)
{
	k->scanning = true;
	k->scancode_set = 2;
	k->leds = 0;
	k->typematic = KBD_TYPEMATIC_DEFAULT;
	k->scan_count = 0;
	k->scan_head = 0;
	k->reply_count = 0;
}

void vps2_kbd_reset(struct vps2_kbd *k)
{
	kbd_defaults(k);
	k->pending_cmd = 0;
}

/* The byte a scancode-set number reads as through the 8042's translation
 * table (set 1, 2, 3 -> 43, 41, 3F). */
static uint8_t translated_set(uint8_t set)
{
	return set == 1 ? 0x43 : set == 2 ? 0x41 : 0x3f;
}

static void kbd_argument(struct vps2_kbd *k, uint8_t cmd, uint8_t val, bool translated)
{
	switch (cmd) {
	case KBD_SCANCODE_SET:
		if (val == 0) {
			kbd_reply(k, 2, KBD_ACK, translated ? translated_set(k->scancode_set) : k->scancode_set, 0);
		} else if (val <= 3) {
			k->scancode_set = val;
			kbd_reply(k, 1, KBD_ACK, 0, 0);
		} else {
			kbd_reply(k, 1, KBD_RESEND, 0, 0);
		}
		break;
	case KBD_SET_LEDS:
		k->leds = val;
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case KBD_SET_TYPEMATIC:
		k->typematic = val;
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	default:   /* KBD_SET_MAKE_BREAK: the key's code; per-key modes not modelled */
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	}
}

void vps2_kbd_write(struct vps2_kbd *k, uint8_t val, bool translated)
{
	k->reply_count = 0;   /* a new command: an unread reply is dropped */
	if (k->pending_cmd) {
		uint8_t cmd = k->pending_cmd;
		k->pending_cmd = 0;
		kbd_argument(k, cmd, val, translated);
		return;
	}
	switch (val) {
	case 0x00:
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case 0x05:
		kbd_reply(k, 1, KBD_RESEND, 0, 0);
		break;
	case KBD_IDENTIFY:
		kbd_reply(k, 3, KBD_ACK, KBD_ID_FIRST, translated ? KBD_ID_MF2_XLATED : KBD_ID_MF2);
		break;
	case KBD_ECHO:
		kbd_reply(k, 1, KBD_ECHO, 0, 0);
		break;
	case KBD_ENABLE:
		k->scanning = true;
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case KBD_SCANCODE_SET:
	case KBD_SET_LEDS:
	case KBD_SET_TYPEMATIC:
	case KBD_SET_MAKE_BREAK:
		k->pending_cmd = val;
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case KBD_DEFAULT_DISABLE:
		kbd_defaults(k);
		k->scanning = false;
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case KBD_DEFAULT_ENABLE:
		kbd_defaults(k);
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	case KBD_RESET:
		kbd_defaults(k);
		kbd_reply(k, 2, KBD_ACK, KBD_BAT_OK, 0);
		break;
	case KBD_ALL_TYPEMATIC:
		kbd_reply(k, 1, KBD_ACK, 0, 0);
		break;
	default:
		kbd_reply(k, 1, KBD_RESEND, 0, 0);
		break;
	}
}

bool vps2_kbd_pending(const struct vps2_kbd *k)
{
	return k->reply_count || k->scan_count;
}

uint8_t vps2_kbd_read(struct vps2_kbd *k)
{
	uint8_t b = 0;

	if (k->reply_count) {
		b = k->reply[k->reply_head];
		k->reply_head = (uint8_t)((k->reply_head + 1) % VPS2_REPLY_SIZE);
		k->reply_count--;
	} else if (k->scan_count) {
		b = k->scan[k->scan_head];
		k->scan_head = (uint8_t)((k->scan_head + 1) % VPS2_QUEUE_SIZE);
		k->scan_count--;
	}
	return b;
}

bool vps2_kbd_queue_scancode(struct vps2_kbd *k, uint8_t b)
{
	if (!k->scanning || k->scan_count >= VPS2_QUEUE_SIZE)
		return false;
	k->scan[(k->scan_head + k->scan_count) % VPS2_QUEUE_SIZE] = b;
	k->scan_count++;
	return true;
}

/* ---- mouse ------------------------------------------------------------------------ */

/* Queues n bytes, or none when they do not all fit. */
static void mouse_queue(struct vps2_mouse *m, unsigned n, const uint8_t *bytes)
{
	if (VPS2_QUEUE_SIZE - m->count < n)
		return;
	for (unsigned i = 0; i < n; i++)
		m->queue[(m->head + m->count + i) % VPS2_QUEUE_SIZE] = bytes[i];
	m->count = (uint8_t)(m->count + n);
}

static void mouse_ack(struct vps2_mouse *m)
{
	static const uint8_t ack = AUX_ACK;
	mouse_queue(m, 1, &ack);
}

static void mouse_defaults(struct vps2_mouse *m)
{
	m->sample_rate = AUX_DEFAULT_RATE;
	m->resolution = AUX_DEFAULT_RES;
	m->status = 0;
}

void vps2_mouse_reset(struct vps2_mouse *m)
{
	mouse_defaults(m);
	m->head = m->count = 0;
	m->pending_cmd = 0;
	m->type = AUX_TYPE_PS2;
	m->detect_state = 0;
	m->wrap = false;
}

/* The IntelliMouse knock: sample rates 200, 100, 80 (wheel) or 200, 200,
 * 80 (wheel and buttons 4/5), as QEMU detects them. */
static void mouse_detect(struct vps2_mouse *m, uint8_t rate)
{
	switch (m->detect_state) {
	case 1:
		m->detect_state = rate == 100 ? 2 : rate == 200 ? 3 : 0;
		break;
	case 2:
	case 3:
		if (rate == 80)
			m->type = m->detect_state == 2 ? AUX_TYPE_IMPS2 : AUX_TYPE_IMEX;
		m->detect_state = 0;
		break;
	default:
		m->detect_state = rate == 200 ? 1 : 0;
		break;
	}
}

/* A packet without motion or buttons: 3 bytes, 4 for the IntelliMice. */
static void mouse_packet(struct vps2_mouse *m)
{
	static const uint8_t packet[4] = { AUX_PACKET_ALWAYS_1, 0, 0, 0 };
	mouse_queue(m, m->type == AUX_TYPE_PS2 ? 3 : 4, packet);
}

static void mouse_command(struct vps2_mouse *m, uint8_t val)
{
	switch (val) {
	case AUX_SCALE_1_1:
		m->status &= (uint8_t)~AUX_STATUS_SCALE_2_1;
		break;
	case AUX_SCALE_2_1:
		m->status |= AUX_STATUS_SCALE_2_1;
		break;
	case AUX_STREAM:
		m->status &= (uint8_t)~AUX_STATUS_REMOTE;
		break;
	case AUX_WRAP_ON:
		m->wrap = true;
		break;
	case AUX_REMOTE:
		m->status |= AUX_STATUS_REMOTE;
		break;
	case AUX_IDENTIFY: {
		const uint8_t reply[2] = { AUX_ACK, m->type };
		mouse_queue(m, 2, reply);
		return;
	}
	case AUX_SET_RESOLUTION:
	case AUX_SET_RATE:
		m->pending_cmd = val;
		break;
	case AUX_STATUS: {
		const uint8_t reply[4] = { AUX_ACK, m->status, m->resolution, m->sample_rate };
		mouse_queue(m, 4, reply);
		return;
	}
	case AUX_POLL:
		mouse_ack(m);
		mouse_packet(m);
		return;
	case AUX_ENABLE:
		m->status |= AUX_STATUS_ENABLED;
		break;
	case AUX_DISABLE:
		m->status &= (uint8_t)~AUX_STATUS_ENABLED;
		break;
	case AUX_DEFAULTS:
		mouse_defaults(m);
		break;
	case AUX_RESET: {
		static const uint8_t reply[3] = { AUX_ACK, AUX_BAT_OK, AUX_TYPE_PS2 };
		vps2_mouse_reset(m);
		mouse_queue(m, 3, reply);
		return;
	}
	default:
		return;   /* no reply, as QEMU */
	}
	mouse_ack(m);
}

void vps2_mouse_write(struct vps2_mouse *m, uint8_t val)
{
	if (m->pending_cmd) {
		if (m->pending_cmd == AUX_SET_RATE) {
			m->sample_rate = val;
			mouse_detect(m, val);
		} else {
			m->resolution = val;
		}
		m->pending_cmd = 0;
		mouse_ack(m);
		return;
	}
	if (m->wrap && val != AUX_RESET) {
		if (val == AUX_WRAP_OFF) {
			m->wrap = false;
			mouse_ack(m);
		} else {
			mouse_queue(m, 1, &val);   /* wrap mode echoes */
		}
		return;
	}
	mouse_command(m, val);
}

bool vps2_mouse_pending(const struct vps2_mouse *m)
{
	return m->count != 0;
}

uint8_t vps2_mouse_read(struct vps2_mouse *m)
{
	if (!m->count)
		return 0;
	uint8_t b = m->queue[m->head];
	m->head = (uint8_t)((m->head + 1) % VPS2_QUEUE_SIZE);
	m->count--;
	return b;
}
