/* hv/vdev/vfwcfg.c - QEMU's fw_cfg device, traditional port interface (the
 * contract and the list of items are in vfwcfg.h). */
#include "hv/vdev/vfwcfg.h"
#include "lib/string.h"

#define DIR_HEADER_SIZE 4u                             /* BE32 count */
#define DIR_ENTRY_SIZE  ((uint32_t)sizeof(struct fw_cfg_file))
#define E820_ENTRY_SIZE ((uint32_t)sizeof(struct vfwcfg_e820_entry))
#define E820_FILE_NAME  "etc/e820"

_Static_assert(FW_CFG_FILE_FIRST == VFWCFG_NUMBERED, "files follow the numbered items");
_Static_assert(FW_CFG_FILE_FIRST + VFWCFG_MAX_FILES - 1 <= FW_CFG_ENTRY_MASK, "file selectors fit 14 bits");
_Static_assert(sizeof(((struct vfwcfg *)0)->e820_reserve) == 324, "QEMU's struct e820_table: count + 16 entries");

static const uint8_t signature[4] = { 'Q', 'E', 'M', 'U' };
static const uint8_t zero_uuid[16];

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Byte i (0 = most significant) of a big-endian field of n bytes. */
static uint8_t be_byte(uint32_t v, unsigned n, unsigned i)
{
	return (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* ---- what a selector names ------------------------------------------------------ */

/* The item's bytes: p (len of them), or the directory (p NULL, dir true). */
struct span {
	const uint8_t *p;
	uint32_t len;
	bool dir;
};

static struct span item_span(const struct vfwcfg *fw, const struct vfwcfg_item *it)
{
	switch (it->source) {
	case VFWCFG_INLINE:
		return (struct span){ it->value, it->len, false };
	case VFWCFG_EXTERNAL:
		return (struct span){ it->data, it->len, false };
	case VFWCFG_E820_FILE:
		return (struct span){ fw->e820_file, fw->e820_count * E820_ENTRY_SIZE, false };
	case VFWCFG_E820_RESERVE:
		return (struct span){ fw->e820_reserve, sizeof(fw->e820_reserve), false };
	default:
		return (struct span){ NULL, 0, false };
	}
}

/* QEMU's fw_cfg_select: bits 13:0 name the entry, bit 15 the arch table,
 * bit 14 nothing. Under fw->lock. */
static struct span selected_span(const struct vfwcfg *fw)
{
	unsigned index = fw->selector & FW_CFG_ENTRY_MASK;

	if (fw->selector & FW_CFG_ARCH_LOCAL)
		return index < VFWCFG_NUMBERED ? item_span(fw, &fw->arch[index]) : (struct span){ NULL, 0, false };
	if (index == FW_CFG_FILE_DIR)
		return (struct span){ NULL, DIR_HEADER_SIZE + fw->file_count * DIR_ENTRY_SIZE, true };
	if (index < VFWCFG_NUMBERED)
		return item_span(fw, &fw->generic[index]);
	if (index - FW_CFG_FILE_FIRST < fw->file_count)
		return item_span(fw, &fw->files[index - FW_CFG_FILE_FIRST].item);
	return (struct span){ NULL, 0, false };
}

/* Byte off of the file directory, built from the table as it is now. */
static uint8_t directory_byte(const struct vfwcfg *fw, uint32_t off)
{
	if (off < DIR_HEADER_SIZE)
		return be_byte(fw->file_count, 4, off);
	uint32_t entry = (off - DIR_HEADER_SIZE) / DIR_ENTRY_SIZE;
	uint32_t at = (off - DIR_HEADER_SIZE) % DIR_ENTRY_SIZE;
	if (entry >= fw->file_count)
		return 0;
	const struct vfwcfg_file *f = &fw->files[entry];
	if (at < 4)
		return be_byte(item_span(fw, &f->item).len, 4, at);
	if (at < 6)
		return be_byte(FW_CFG_FILE_FIRST + entry, 2, at - 4);
	if (at < 8)
		return 0;   /* reserved */
	return (uint8_t)f->name[at - 8];
}

/* ---- the ports ------------------------------------------------------------------ */

static void select_item(struct vfwcfg *fw, uint16_t key)
{
	fw->selector = key;
	fw->offset = 0;
}

/* The next byte of the selected item, or 0 past its end; the offset stops
 * at the end (QEMU's fw_cfg_data_read), so no count of reads wraps it. */
static uint8_t read_data_byte(struct vfwcfg *fw)
{
	uint8_t b = 0;

	spin_lock(&fw->lock);
	struct span s = selected_span(fw);
	if (fw->offset < s.len) {
		b = s.dir ? directory_byte(fw, fw->offset) : s.p[fw->offset];
		fw->offset++;
	}
	spin_unlock(&fw->lock);
	return b;
}

static uint32_t vfwcfg_port_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	(void)v;
	(void)off;   /* QEMU's combined region: both ports are the same to it */
	return size == 1 ? read_data_byte(dev) : 0;
}

static void vfwcfg_port_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vfwcfg *fw = dev;
	(void)v;
	(void)off;

	if (size != 2)
		return;   /* 8-bit: a data write, ignored since QEMU 2.4; 32-bit: invalid */
	spin_lock(&fw->lock);
	select_item(fw, (uint16_t)val);
	spin_unlock(&fw->lock);
}

static void vfwcfg_reset_op(void *dev)
{
	vfwcfg_reset(dev);
}

const struct pio_ops vfwcfg_ops = {
	.name = "fw_cfg", .read = vfwcfg_port_read, .write = vfwcfg_port_write, .reset = vfwcfg_reset_op,
};

/* ---- items ------------------------------------------------------------------- */

/* The numbered item key stores, or NULL (files, the directory, bit 14, or
 * past the numbered range). */
static struct vfwcfg_item *numbered_item(struct vfwcfg *fw, uint16_t key)
{
	unsigned index = key & FW_CFG_ENTRY_MASK;

	if ((key & FW_CFG_WRITE_CHANNEL) || index >= VFWCFG_NUMBERED)
		return NULL;
	if (key & FW_CFG_ARCH_LOCAL)
		return &fw->arch[index];
	return index == FW_CFG_FILE_DIR ? NULL : &fw->generic[index];
}

static int set_number(struct vfwcfg *fw, uint16_t key, uint64_t value, unsigned bytes)
{
	int ret = -1;

	spin_lock(&fw->lock);
	struct vfwcfg_item *it = numbered_item(fw, key);
	if (it) {
		*it = (struct vfwcfg_item){ .source = VFWCFG_INLINE, .len = bytes };
		put_le(it->value, value, bytes);
		ret = 0;
	}
	spin_unlock(&fw->lock);
	return ret;
}

int vfwcfg_set_u16(struct vfwcfg *fw, uint16_t key, uint16_t value)
{
	return set_number(fw, key, value, 2);
}

int vfwcfg_set_u32(struct vfwcfg *fw, uint16_t key, uint32_t value)
{
	return set_number(fw, key, value, 4);
}

int vfwcfg_set_u64(struct vfwcfg *fw, uint16_t key, uint64_t value)
{
	return set_number(fw, key, value, 8);
}

/* Under fw->lock. */
static int set_bytes_locked(struct vfwcfg *fw, uint16_t key, const void *data, uint32_t size)
{
	struct vfwcfg_item *it = numbered_item(fw, key);

	if (!it || (!data && size))
		return -1;
	*it = (struct vfwcfg_item){ .source = VFWCFG_EXTERNAL, .len = size, .data = data };
	return 0;
}

int vfwcfg_add_bytes(struct vfwcfg *fw, uint16_t key, const void *data, uint32_t size)
{
	spin_lock(&fw->lock);
	int ret = set_bytes_locked(fw, key, data, size);
	spin_unlock(&fw->lock);
	return ret;
}

/* ---- files ------------------------------------------------------------------- */

static int find_file(const struct vfwcfg *fw, const char *name)
{
	for (unsigned i = 0; i < fw->file_count; i++)
		if (strcmp(fw->files[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Inserts in name order (QEMU 7.2's fw_cfg_add_file_callback for
 * non-legacy machines: strcmp, later files move up). Under fw->lock. */
static int add_file_locked(struct vfwcfg *fw, const char *name, const struct vfwcfg_item *item)
{
	size_t len = name ? strnlen(name, VFWCFG_FILE_NAME_SIZE) : 0;

	if (len == 0 || len >= VFWCFG_FILE_NAME_SIZE || fw->file_count >= VFWCFG_MAX_FILES || find_file(fw, name) >= 0)
		return -1;
	unsigned at = fw->file_count;
	while (at > 0 && strcmp(name, fw->files[at - 1].name) < 0) {
		fw->files[at] = fw->files[at - 1];
		at--;
	}
	memset(fw->files[at].name, 0, VFWCFG_FILE_NAME_SIZE);
	memcpy(fw->files[at].name, name, len);
	fw->files[at].item = *item;
	fw->file_count++;
	return 0;
}

int vfwcfg_add_file(struct vfwcfg *fw, const char *name, const void *data, uint32_t size)
{
	if (!data && size)
		return -1;
	struct vfwcfg_item item = { .source = VFWCFG_EXTERNAL, .len = size, .data = data };
	spin_lock(&fw->lock);
	int ret = add_file_locked(fw, name, &item);
	spin_unlock(&fw->lock);
	return ret;
}

int vfwcfg_file_select(struct vfwcfg *fw, const char *name)
{
	if (!name)
		return -1;
	spin_lock(&fw->lock);
	int i = find_file(fw, name);
	spin_unlock(&fw->lock);
	return i < 0 ? -1 : FW_CFG_FILE_FIRST + i;
}

/* ---- e820 ------------------------------------------------------------------- */

static void put_e820(uint8_t *p, const struct vfwcfg_e820_entry *e)
{
	put_le(p, e->addr, 8);
	put_le(p + 8, e->len, 8);
	put_le(p + 16, e->type, 4);
}

/* "etc/e820" holds every range; FW_CFG_E820_TABLE only the non-RAM ones
 * (QEMU's e820_add_entry: "old FW_CFG_E820_TABLE entry -- reservations
 * only"), in a fixed 16-slot table. */
int vfwcfg_set_e820(struct vfwcfg *fw, const struct vfwcfg_e820_entry *ranges, unsigned count)
{
	if (count > VFWCFG_E820_MAX || (!ranges && count))
		return -1;
	int ret = -1;
	spin_lock(&fw->lock);
	if (find_file(fw, E820_FILE_NAME) < 0) {
		const struct vfwcfg_item item = { .source = VFWCFG_E820_FILE };
		if (add_file_locked(fw, E820_FILE_NAME, &item))
			goto out;
	}
	memset(fw->e820_file, 0, sizeof(fw->e820_file));
	memset(fw->e820_reserve, 0, sizeof(fw->e820_reserve));
	uint32_t reserved = 0;
	for (unsigned i = 0; i < count; i++) {
		put_e820(fw->e820_file + i * E820_ENTRY_SIZE, &ranges[i]);
		if (ranges[i].type != VFWCFG_E820_RAM)
			put_e820(fw->e820_reserve + 4 + reserved++ * E820_ENTRY_SIZE, &ranges[i]);
	}
	put_le(fw->e820_reserve, reserved, 4);
	fw->e820_count = count;
	fw->arch[FW_CFG_E820_TABLE & FW_CFG_ENTRY_MASK] = (struct vfwcfg_item){ .source = VFWCFG_E820_RESERVE };
	ret = 0;
out:
	spin_unlock(&fw->lock);
	return ret;
}

/* ---- the device ---------------------------------------------------------------- */

void vfwcfg_init(struct vfwcfg *fw)
{
	memset(fw, 0, sizeof(*fw));
	set_bytes_locked(fw, FW_CFG_SIGNATURE, signature, sizeof(signature));
	set_number(fw, FW_CFG_ID, FW_CFG_ID_TRADITIONAL, 4);
	set_bytes_locked(fw, FW_CFG_UUID, zero_uuid, sizeof(zero_uuid));
	set_number(fw, FW_CFG_NOGRAPHIC, 0, 2);
	set_number(fw, FW_CFG_BOOT_MENU, 0, 2);
	select_item(fw, FW_CFG_SIGNATURE);
}

void vfwcfg_reset(struct vfwcfg *fw)
{
	spin_lock(&fw->lock);
	select_item(fw, FW_CFG_SIGNATURE);
	spin_unlock(&fw->lock);
}

/* QEMU's fw_cfg_arch_create for the items our board has. */
int vfwcfg_pc_board(struct vfwcfg *fw, uint64_t ram_bytes, unsigned cpus, unsigned apic_id_limit,
		    const struct vfwcfg_e820_entry *ranges, unsigned count)
{
	if (cpus == 0 || cpus > 0xffff || apic_id_limit > 0xffff || apic_id_limit < cpus)
		return -1;
	if (vfwcfg_set_u64(fw, FW_CFG_RAM_SIZE, ram_bytes) || vfwcfg_set_u16(fw, FW_CFG_NB_CPUS, (uint16_t)cpus) ||
	    vfwcfg_set_u16(fw, FW_CFG_MAX_CPUS, (uint16_t)apic_id_limit) ||
	    vfwcfg_set_u16(fw, FW_CFG_NOGRAPHIC, 1) || vfwcfg_set_u64(fw, FW_CFG_NUMA, 0) ||
	    vfwcfg_set_u32(fw, FW_CFG_IRQ0_OVERRIDE, 1))
		return -1;
	return vfwcfg_set_e820(fw, ranges, count);
}
