/* tests/unit/test_vmconfig.c - The guest module command-line parser. */
/* UNIT_SRC: guest-loader/vmconfig.c lib/words.c lib/printf.c */
#include "test.h"
#include "guest-loader/vmconfig.h"

#define IMG 512   /* a boot sector: fits every default layout */
#define BASE "vm=g type=flat mem=16M "

static char err[160];
static struct vm_config cfg;

/* Parses with a sentinel in cfg, so a failed parse can be seen to leave it alone. */
static int parse_img(const char *s, uint64_t image_size)
{
	memset(&cfg, 0xa5, sizeof(cfg));
	snprintf(err, sizeof(err), "stale");
	return vmconfig_parse(s, image_size, &cfg, err, sizeof(err));
}

static int parse(const char *s)
{
	return parse_img(s, IMG);
}

/* The parse fails, names `needle`, and leaves cfg untouched. */
static void expect_error(const char *s, uint64_t image_size, const char *needle, int line)
{
	struct vm_config sentinel;
	int rc = parse_img(s, image_size);

	memset(&sentinel, 0xa5, sizeof(sentinel));
	if (rc != -1 || !strstr(err, needle) || strchr(err, '\n') || memcmp(&cfg, &sentinel, sizeof(cfg)) != 0) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: \"%s\": rc %d, error \"%s\", wanted \"%s\"\n", line, s ? s : "(null)",
			rc, err, needle);
	}
}
#define EXPECT_ERROR(s, needle) expect_error((s), IMG, (needle), __LINE__)
#define EXPECT_ERROR_IMG(s, size, needle) expect_error((s), (size), (needle), __LINE__)

static void test_minimal_defaults(void)
{
	EXPECT_EQ(parse("vm=guest0 type=flat mem=16M"), 0);
	EXPECT_STREQ(err, "");
	EXPECT_STREQ(cfg.name, "guest0");
	EXPECT_EQ(cfg.type, VM_TYPE_FLAT);
	EXPECT_EQ(cfg.mode, VM_MODE_REAL);
	EXPECT_EQ(cfg.on_reset, VM_ON_RESET_STOP);
	EXPECT_EQ(cfg.mem_size, 16ull << 20);
	EXPECT_EQ(cfg.load_addr, 0x7c00);
	EXPECT_EQ(cfg.entry, 0x7c00);
	EXPECT_EQ(cfg.cpu[0], -1);
	EXPECT_EQ(cfg.vcpus, 1);
}

static void test_defaults_other_modes(void)
{
	EXPECT_EQ(parse(BASE "mode=protected"), 0);
	EXPECT_EQ(cfg.mode, VM_MODE_PROTECTED);
	EXPECT_EQ(cfg.load_addr, 0x100000);
	EXPECT_EQ(cfg.entry, 0x100000);
	EXPECT_EQ(parse(BASE "mode=long"), 0);
	EXPECT_EQ(cfg.mode, VM_MODE_LONG);
	EXPECT_EQ(cfg.load_addr, 0x100000);
	EXPECT_EQ(cfg.entry, 0x100000);
	/* entry follows an explicit load, whatever the order */
	EXPECT_EQ(parse("load=0x200000 " BASE "mode=long"), 0);
	EXPECT_EQ(cfg.entry, 0x200000);
	EXPECT_EQ(parse(BASE "mode=real load=0x1000"), 0);
	EXPECT_EQ(cfg.entry, 0x1000);
}

static void test_all_options(void)
{
	EXPECT_EQ(parse("vm=Web_srv-2 type=flat load=0x200000 entry=0x200010 mode=long mem=2G "
			"on_reset=restart cpu=3"), 0);
	EXPECT_STREQ(cfg.name, "Web_srv-2");
	EXPECT_EQ(cfg.mode, VM_MODE_LONG);
	EXPECT_EQ(cfg.mem_size, 2ull << 30);
	EXPECT_EQ(cfg.load_addr, 0x200000);
	EXPECT_EQ(cfg.entry, 0x200010);
	EXPECT_EQ(cfg.on_reset, VM_ON_RESET_RESTART);
	EXPECT_EQ(cfg.cpu[0], 3);
	EXPECT_EQ(parse(BASE "on_reset=stop"), 0);
	EXPECT_EQ(cfg.on_reset, VM_ON_RESET_STOP);
	EXPECT_EQ(parse(BASE "mode=real"), 0);
	EXPECT_EQ(cfg.mode, VM_MODE_REAL);
}

static void test_spacing(void)
{
	EXPECT_EQ(parse("  vm=a\ttype=flat   mem=1M \t"), 0);
	EXPECT_STREQ(cfg.name, "a");
	EXPECT_EQ(cfg.mem_size, 1ull << 20);
}

static void test_size_suffixes(void)
{
	EXPECT_EQ(parse("vm=g type=flat mem=4096K"), 0);
	EXPECT_EQ(cfg.mem_size, 4ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=8192k"), 0);
	EXPECT_EQ(cfg.mem_size, 8ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=32m"), 0);
	EXPECT_EQ(cfg.mem_size, 32ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=1g"), 0);
	EXPECT_EQ(cfg.mem_size, 1ull << 30);
	EXPECT_EQ(parse("vm=g type=flat mem=64G"), 0);
	EXPECT_EQ(cfg.mem_size, 64ull << 30);
	EXPECT_EQ(parse("vm=g type=flat mem=1048576"), 0);
	EXPECT_EQ(cfg.mem_size, 1ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=0x200000"), 0);
	EXPECT_EQ(cfg.mem_size, 2ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=0x10M"), 0);
	EXPECT_EQ(cfg.mem_size, 16ull << 20);
	EXPECT_EQ(parse("vm=g type=flat mem=0X4m"), 0);
	EXPECT_EQ(cfg.mem_size, 4ull << 20);
}

static void test_mem_errors(void)
{
	EXPECT_ERROR("vm=g type=flat mem=12Q", "option 'mem=12Q': bad size (use a number with K, M or G)");
	EXPECT_ERROR("vm=g type=flat mem=M", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=0x", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=0xM", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=16MB", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=16KiB", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=-16M", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=+16M", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=1.5G", "bad size");
	EXPECT_ERROR("vm=g type=flat mem=99999999999G", "option 'mem=99999999999G': too large");
	EXPECT_ERROR("vm=g type=flat mem=99999999999999999999999", "too large");
	EXPECT_ERROR("vm=g type=flat mem=0x10000000000000000", "too large");
	EXPECT_ERROR("vm=g type=flat mem=65G", "too large (at most 64G)");
	EXPECT_ERROR("vm=g type=flat mem=68719476737", "too large");
	EXPECT_ERROR("vm=g type=flat mem=1020K", "too small (at least 1M)");
	EXPECT_ERROR("vm=g type=flat mem=0", "too small");
	EXPECT_ERROR("vm=g type=flat mem=1048577", "not a multiple of 4K");
	EXPECT_ERROR("vm=g type=flat mem=1026K", "not a multiple of 4K");
	/* a bad digit is reported as such even in a number that also overflows */
	EXPECT_ERROR("vm=g type=flat mem=99999999999999999999999x", "bad size");
}

static void test_addresses(void)
{
	EXPECT_EQ(parse(BASE "mode=protected load=1048576 entry=0x100004"), 0);
	EXPECT_EQ(cfg.load_addr, 0x100000);
	EXPECT_EQ(cfg.entry, 0x100004);
	EXPECT_EQ(parse(BASE "load=0X7E00 entry=0x7Eff"), 0);
	EXPECT_EQ(cfg.load_addr, 0x7e00);
	EXPECT_EQ(cfg.entry, 0x7eff);
	EXPECT_ERROR(BASE "load=1M", "option 'load=1M': bad address (use decimal or 0x hex)");
	EXPECT_ERROR(BASE "load=0x", "bad address");
	EXPECT_ERROR(BASE "entry=0x7c0g", "option 'entry=0x7c0g': bad address");
	EXPECT_ERROR(BASE "entry=7c00", "bad address");
	EXPECT_ERROR(BASE "load=0x10000000000000000", "option 'load=0x10000000000000000': address does not fit");
	EXPECT_ERROR(BASE "entry=18446744073709551616", "address does not fit");
	/* the largest address parses; it then fails the layout checks */
	EXPECT_ERROR(BASE "mode=long load=0xffffffffffffffff", "does not fit in mem=16M");
}

static void test_real_mode(void)
{
	EXPECT_EQ(parse(BASE "entry=0x7c10"), 0);
	EXPECT_EQ(cfg.entry, 0x7c10);
	EXPECT_EQ(parse_img(BASE "load=0x0 entry=0xffff mode=real", 0x10000), 0);
	EXPECT_EQ(cfg.entry, 0xffff);
	EXPECT_ERROR_IMG(BASE "load=0 entry=0x10000", 0x20000,
			 "mode=real: entry=0x10000 is not below 0x10000 (the guest starts at CS:IP = 0000:entry)");
	/* the default entry is load, so a high load alone trips it */
	EXPECT_ERROR(BASE "load=0x10000", "entry=0x10000 is not below 0x10000");
	/* the image must end by 1M: exactly at the boundary is fine */
	EXPECT_EQ(parse_img(BASE "load=0x1000", 0x100000 - 0x1000), 0);
	EXPECT_ERROR_IMG(BASE "load=0x1000", 0x100000 - 0x1000 + 1,
			 "mode=real: the image (1044481 bytes at load=0x1000) must end by 0x100000");
	EXPECT_ERROR_IMG(BASE "", 0x100000, "must end by 0x100000");
	/* even with more RAM, real mode stops at 1M */
	EXPECT_ERROR_IMG("vm=g type=flat mem=64G load=0x7c00", 2ull << 20, "mode=real");
}

static void test_protected_mode(void)
{
	EXPECT_EQ(parse_img("vm=g type=flat mem=3G mode=protected load=0xbffff000", 0x1000), 0);
	/* with more than 3G, RAM above the 3-4G hole starts at 4G: the image
	 * must lie below 3G, and 0xfffff000 is in the hole */
	EXPECT_ERROR_IMG("vm=g type=flat mem=8G mode=protected load=0xfffff000", 0x1000,
			 "the image (4096 bytes at load=0xfffff000) does not fit in mem=8G below 3G");
	EXPECT_EQ(parse_img("vm=g type=flat mem=8G mode=protected load=0xbffff000", 0x1000), 0);
	EXPECT_ERROR_IMG("vm=g type=flat mem=8G mode=long load=0xbffff000", 0x1000,
			 "does not fit in mem=8G below 3G below the page tables in its last 24K");
	EXPECT_ERROR_IMG("vm=g type=flat mem=8G mode=protected load=0xfffff000", 0x1001,
			 "mode=protected: the image (4097 bytes at load=0xfffff000) must end by 0x100000000");
	EXPECT_ERROR("vm=g type=flat mem=8G mode=protected load=0x100000000", "must end by 0x100000000");
}

static void test_image_fits_ram(void)
{
	EXPECT_EQ(parse_img("vm=g type=flat mem=2M mode=protected", 1 << 20), 0);
	EXPECT_ERROR_IMG("vm=g type=flat mem=2M mode=protected", (1 << 20) + 1,
			 "the image (1048577 bytes at load=0x100000) does not fit in mem=2M");
	EXPECT_ERROR("vm=g type=flat mem=2M mode=protected load=0x200000", "does not fit in mem=2M");
	EXPECT_ERROR("vm=g type=flat mem=1028K mode=protected load=0x101000", "does not fit in mem=1028K");
	EXPECT_ERROR("vm=g type=flat mem=64G mode=long load=0x1000000000", "does not fit in mem=64G");
	/* sizes that would wrap around 64 bits */
	EXPECT_ERROR_IMG("vm=g type=flat mem=2M mode=long", UINT64_MAX, "does not fit");
	EXPECT_ERROR_IMG("vm=g type=flat mem=2M mode=protected", UINT64_MAX, "must end by");
	EXPECT_ERROR_IMG(BASE "", 0, "the module is empty");
}

static void test_long_mode_page_tables(void)
{
	const uint64_t room = (2ull << 20) - 0x100000 - VM_LONG_MODE_PT_BYTES;

	EXPECT_EQ(parse_img("vm=g type=flat mem=2M mode=long", room), 0);
	EXPECT_ERROR_IMG("vm=g type=flat mem=2M mode=long", room + 1,
			 "does not fit in mem=2M below the page tables in its last 24K");
	/* the same image fits when the mode leaves the top of RAM alone */
	EXPECT_EQ(parse_img("vm=g type=flat mem=2M mode=protected", room + 1), 0);
}

static void test_entry_inside_image(void)
{
	EXPECT_EQ(parse_img(BASE "mode=long entry=0x100fff", 0x1000), 0);
	EXPECT_ERROR_IMG(BASE "mode=long entry=0x101000", 0x1000,
			 "entry=0x101000 is outside the image (4096 bytes at load=0x100000)");
	EXPECT_ERROR(BASE "mode=protected entry=0xfffff", "entry=0xfffff is outside the image");
	EXPECT_ERROR(BASE "entry=0x7bff", "outside the image");
}

static void test_name_rules(void)
{
	EXPECT_EQ(parse("vm=abcdefghijklmno type=flat mem=1M"), 0);   /* 15 */
	EXPECT_STREQ(cfg.name, "abcdefghijklmno");
	EXPECT_EQ(parse("vm=Z9_- type=flat mem=1M"), 0);
	EXPECT_STREQ(cfg.name, "Z9_-");
	EXPECT_ERROR("vm=abcdefghijklmnop type=flat mem=1M",
		     "option 'vm=abcdefghijklmnop': name longer than 15 characters");
	EXPECT_ERROR("vm=a.b type=flat mem=1M", "option 'vm=a.b': a name may use only A-Z a-z 0-9 _ -");
	EXPECT_ERROR("vm=a/b type=flat mem=1M", "may use only");
	EXPECT_ERROR("vm=a=b type=flat mem=1M", "may use only");
	EXPECT_ERROR("vm=\xc3\xa9 type=flat mem=1M", "may use only");
}

static void test_types(void)
{
	EXPECT_ERROR("vm=g type=linux mem=16M", "type=linux is not supported yet");
	EXPECT_ERROR("vm=g type=elf mem=16M", "expected flat, multiboot or module");
	EXPECT_ERROR("vm=g type=elf mem=16M", "option 'type=elf': unknown type");
	EXPECT_ERROR("vm=g type=FLAT mem=16M", "unknown type");
}

static void test_choice_errors(void)
{
	EXPECT_ERROR(BASE "mode=virtual", "option 'mode=virtual': expected real, protected or long");
	EXPECT_ERROR(BASE "mode=Real", "expected real, protected or long");
	EXPECT_ERROR(BASE "on_reset=reboot", "option 'on_reset=reboot': expected stop or restart");
}

static void test_cpu(void)
{
	EXPECT_EQ(parse(BASE "cpu=0"), 0);
	EXPECT_EQ(cfg.cpu[0], 0);
	EXPECT_EQ(parse(BASE "cpu=255"), 0);
	EXPECT_EQ(cfg.cpu[0], 255);
	EXPECT_EQ(parse(BASE "cpu=0x10"), 0);
	EXPECT_EQ(cfg.cpu[0], 16);
	EXPECT_ERROR(BASE "cpu=256", "option 'cpu=256': expected a CPU number 0-255");
	EXPECT_ERROR(BASE "cpu=-1", "expected a CPU number 0-255");
	EXPECT_ERROR(BASE "cpu=1K", "expected a CPU number");
	EXPECT_ERROR(BASE "cpu=any", "expected a CPU number");
	EXPECT_ERROR(BASE "cpu=99999999999999999999999", "expected a CPU number");
	EXPECT_ERROR(BASE "cpu=1,", "expected a CPU number");
	EXPECT_ERROR(BASE "cpu=,1", "expected a CPU number");
	EXPECT_ERROR(BASE "cpu=1,,2", "expected a CPU number");
}

static void test_vcpus(void)
{
	EXPECT_EQ(parse(BASE "cpus=4"), 0);
	EXPECT_EQ(cfg.vcpus, 4);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(cfg.cpu[i], -1);
	/* one CPU for all of them */
	EXPECT_EQ(parse(BASE "cpus=4 cpu=1"), 0);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(cfg.cpu[i], 1);
	/* one per vCPU, in order, whichever key comes first */
	EXPECT_EQ(parse(BASE "cpu=3,2,1,0 cpus=4"), 0);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(cfg.cpu[i], 3 - i);
	EXPECT_EQ(parse(BASE "cpus=64"), 0);
	EXPECT_EQ(cfg.vcpus, 64);
	EXPECT_ERROR(BASE "cpus=4 cpu=0,1", "cpu= lists 2 CPUs for cpus=4: give one CPU for all vCPUs or one per vCPU");
	EXPECT_ERROR(BASE "cpu=0,1", "cpu= lists 2 CPUs for cpus=1");
	EXPECT_ERROR(BASE "cpus=0", "option 'cpus=0': expected a number of vCPUs, 1-64");
	EXPECT_ERROR(BASE "cpus=65", "expected a number of vCPUs, 1-64");
	EXPECT_ERROR(BASE "cpus=two", "expected a number of vCPUs");
	EXPECT_ERROR(BASE "cpus=2 cpus=2", "cpus= given twice");
}

static void test_required(void)
{
	EXPECT_ERROR(NULL, "vm= missing");
	EXPECT_ERROR("", "vm= missing");
	EXPECT_ERROR("  \t ", "vm= missing");
	EXPECT_ERROR("type=flat mem=16M", "vm= missing");
	EXPECT_ERROR("vm=g mem=16M", "type= missing");
	EXPECT_ERROR("vm=g type=flat", "mem= missing");
}

static void test_malformed_words(void)
{
	EXPECT_ERROR(BASE "foo=bar", "unknown option 'foo=bar'");
	EXPECT_ERROR(BASE "=x", "unknown option '=x'");
	EXPECT_ERROR(BASE "memory=16M", "unknown option 'memory=16M'");   /* exact keys, */
	EXPECT_ERROR(BASE "me=16M", "unknown option 'me=16M'");           /* no prefixes */
	EXPECT_ERROR(BASE "MEM=16M", "unknown option");
	EXPECT_ERROR(BASE "cpu", "option 'cpu' has no value (write cpu=VALUE)");
	EXPECT_ERROR(BASE "/boot/guest.bin", "option '/boot/guest.bin' has no value");
	EXPECT_ERROR(BASE "mode=", "option 'mode=' has an empty value");
	EXPECT_ERROR("vm= type=flat mem=16M", "option 'vm=' has an empty value");
	EXPECT_ERROR(BASE "load=", "option 'load=' has an empty value");
	/* the first bad word is the one reported */
	EXPECT_ERROR("vm=g bogus=1 mem=12Q", "unknown option 'bogus=1'");
}

static void test_duplicates(void)
{
	EXPECT_ERROR(BASE "mem=32M", "option 'mem=32M': mem= given twice");
	EXPECT_ERROR(BASE "vm=h", "option 'vm=h': vm= given twice");
	EXPECT_ERROR(BASE "mode=real mode=real", "mode= given twice");
	EXPECT_ERROR(BASE "cpu=1 cpu=1", "cpu= given twice");
	EXPECT_ERROR(BASE "type=flat", "type= given twice");
}

static void test_overlong_word(void)
{
	char buf[300];

	snprintf(buf, sizeof(buf), BASE "load=0x%0200d", 1);
	EXPECT_ERROR(buf, "is longer than 63 characters");
	/* leading zeros are fine up to the word limit */
	snprintf(buf, sizeof(buf), BASE "load=0x%056x", 0x7c00);
	EXPECT_EQ(parse(buf), 0);
	EXPECT_EQ(cfg.load_addr, 0x7c00);
}

static void test_err_buffer(void)
{
	char small[8];

	/* truncated but terminated */
	EXPECT_EQ(vmconfig_parse("bogus", IMG, &cfg, small, sizeof(small)), -1);
	EXPECT_STREQ(small, "option ");
	/* no buffer at all is allowed */
	EXPECT_EQ(vmconfig_parse("bogus", IMG, &cfg, NULL, 0), -1);
	EXPECT_EQ(vmconfig_parse("vm=g type=flat mem=1M", IMG, &cfg, NULL, 0), 0);
	EXPECT_STREQ(cfg.name, "g");
}

static void test_mode_names(void)
{
	EXPECT_STREQ(vm_mode_name(VM_MODE_REAL), "real");
	EXPECT_STREQ(vm_mode_name(VM_MODE_PROTECTED), "protected");
	EXPECT_STREQ(vm_mode_name(VM_MODE_LONG), "long");
	EXPECT_STREQ(vm_mode_name((enum vm_mode)7), "unknown");
}

int main(void)
{
	RUN(test_minimal_defaults);
	RUN(test_defaults_other_modes);
	RUN(test_all_options);
	RUN(test_spacing);
	RUN(test_size_suffixes);
	RUN(test_mem_errors);
	RUN(test_addresses);
	RUN(test_real_mode);
	RUN(test_protected_mode);
	RUN(test_image_fits_ram);
	RUN(test_long_mode_page_tables);
	RUN(test_entry_inside_image);
	RUN(test_name_rules);
	RUN(test_types);
	RUN(test_choice_errors);
	RUN(test_cpu);
	RUN(test_required);
	RUN(test_vcpus);
	RUN(test_malformed_words);
	RUN(test_duplicates);
	RUN(test_overlong_word);
	RUN(test_err_buffer);
	RUN(test_mode_names);
	TEST_MAIN_END();
}
