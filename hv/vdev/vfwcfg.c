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

/* ---- the DMA interface ------------------------------------------------------------ */

/* The FWCfgDmaAccess a guest points 0x514 at (fw_cfg.rst, "DMA
 * interface"): big-endian control, length, address. */
#define DMA_ACCESS_SIZE   16u
#define DMA_CTL_ERROR     0x01u
#define DMA_CTL_READ      0x02u
#define DMA_CTL_SKIP      0x04u
#define DMA_CTL_SELECT    0x08u
#define DMA_CTL_WRITE     0x10u
#define DMA_CHUNK         256u
static const uint8_t dma_zeros[4096];
static const uint8_t dma_signature[VFWCFG_DMA_PORTS] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };

static uint64_t get_be(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static bool dma_store_control(struct vfwcfg *fw, uint64_t access, uint32_t control)
{
	uint8_t be[4] = { be_byte(control, 4, 0), be_byte(control, 4, 1), be_byte(control, 4, 2),
			  be_byte(control, 4, 3) };

	return fw->mem.write(fw->mem.ctx, access, be, sizeof(be));
}

/* Moves the selected item's offset over n bytes, stopping at its end (a
 * skip, or the part of a refused write inside the item, as QEMU). */
static void dma_advance(struct vfwcfg *fw, uint32_t n)
{
	struct span sp = selected_span(fw);

	if (fw->offset < sp.len)
		fw->offset += MIN(n, sp.len - fw->offset);
}

/* Copies n bytes of the selected item from its offset to guest RAM at
 * gpa, zeros past its end (QEMU's fw_cfg_dma_transfer: a read beyond the
 * item fills the rest of the buffer with 0). False when guest memory
 * refused a write (the copy stops there). Under fw->lock. */
static bool dma_read_item(struct vfwcfg *fw, uint64_t gpa, uint32_t n)
{
	uint8_t chunk[DMA_CHUNK];
	struct span sp = selected_span(fw);

	while (n) {
		uint32_t k = MIN(n, DMA_CHUNK);
		if (fw->offset >= sp.len) {
			/* the rest is zeros: in page-sized writes */
			k = MIN(n, (uint32_t)sizeof(dma_zeros));
			if (!fw->mem.write(fw->mem.ctx, gpa, dma_zeros, k))
				return false;
			gpa += k;
			n -= k;
			continue;
		}
		for (uint32_t i = 0; i < k; i++) {
			uint8_t b = 0;
			if (fw->offset < sp.len) {
				b = sp.dir ? directory_byte(fw, fw->offset) : sp.p[fw->offset];
				fw->offset++;
			}
			chunk[i] = b;
		}
		if (!fw->mem.write(fw->mem.ctx, gpa, chunk, k)) {
			dma_advance(fw, n - k);   /* QEMU's offset covers the item's part whatever */
			return false;
		}
		gpa += k;
		n -= k;
	}
	return true;
}

/* One transfer, as QEMU's fw_cfg_dma_transfer: the access structure read
 * from guest memory, an optional select, then read, skip or write of its
 * length; its control word written back as 0, or with the error bit (an
 * unreadable structure, guest memory refusing the data, any write: the
 * board's items are all read-only). */
static void dma_transfer(struct vfwcfg *fw, uint64_t access)
{
	uint8_t raw[DMA_ACCESS_SIZE];

	if (!fw->mem.read(fw->mem.ctx, access, raw, sizeof(raw))) {
		dma_store_control(fw, access, DMA_CTL_ERROR);
		return;
	}
	uint32_t control = (uint32_t)get_be(raw, 4), length = (uint32_t)get_be(raw + 4, 4);
	uint64_t address = get_be(raw + 8, 8);
	if (control & DMA_CTL_SELECT)
		select_item(fw, (uint16_t)(control >> 16));
	uint32_t result = 0;
	if (length && (control & DMA_CTL_READ)) {
		if (!dma_read_item(fw, address, length))
			result = DMA_CTL_ERROR;
	} else if (length && (control & DMA_CTL_WRITE)) {
		dma_advance(fw, length);
		result = DMA_CTL_ERROR;
	} else if (length && (control & DMA_CTL_SKIP)) {
		dma_advance(fw, length);
	}
	dma_store_control(fw, access, result);
}

/* Reads give the signature "QEMU CFG", byte i at port 0x514 + i (QEMU's
 * big-endian fw_cfg_dma_mem_read). */
static uint32_t vfwcfg_dma_read(void *dev, struct vcpu *v, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	(void)dev;
	(void)v;
	for (unsigned i = 0; i < size && i < 4; i++)
		val |= (uint32_t)(off + i < VFWCFG_DMA_PORTS ? dma_signature[off + i] : 0xff) << (8 * i);
	return val;
}

/* The access structure's address, big-endian: the high half at 0x514,
 * the low half at 0x518, which starts the transfer. Only dword writes at
 * those two ports count (QEMU's fw_cfg_dma_mem_valid refuses others). */
static void vfwcfg_dma_write(void *dev, struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct vfwcfg *fw = dev;
	uint32_t half = __builtin_bswap32(val);

	(void)v;
	if (size != 4 || (off != 0 && off != 4) || !fw->mem.read)
		return;
	spin_lock(&fw->lock);
	if (off == 0) {
		fw->dma_address = (uint64_t)half << 32;
	} else {
		uint64_t access = fw->dma_address | half;
		fw->dma_address = 0;   /* QEMU clears it for the next transfer */
		dma_transfer(fw, access);
	}
	spin_unlock(&fw->lock);
}

const struct pio_ops vfwcfg_dma_ops = {
	.name = "fw_cfg-dma", .read = vfwcfg_dma_read, .write = vfwcfg_dma_write, .reset = NULL,
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
	fw->dma_address = 0;
	spin_unlock(&fw->lock);
}

void vfwcfg_enable_dma(struct vfwcfg *fw, const struct vfwcfg_guest_memory *mem)
{
	if (!mem || !mem->read || !mem->write)
		return;
	spin_lock(&fw->lock);
	fw->mem = *mem;
	spin_unlock(&fw->lock);
	set_number(fw, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA, 4);
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
