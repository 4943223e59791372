/* tests/unit/test_vmconfig_lines.c - The module-line grammar beyond
 * type=flat: type=multiboot and type=module lines, "-- ARGS", the options
 * each type refuses, and the flat-image hint (test_vmconfig.c has the rest). */
/* UNIT_SRC: guest-loader/vmconfig.c lib/words.c lib/printf.c */
#include "test.h"
#include "guest-loader/vmconfig.h"

static char err[200];
static struct vmconfig_line line;

static int parse(const char *s)
{
	memset(&line, 0xa5, sizeof(line));
	snprintf(err, sizeof(err), "stale");
	return vmconfig_parse_line(s, 512, &line, err, sizeof(err));
}

static void expect_error(const char *s, const char *needle, int lineno)
{
	struct vmconfig_line sentinel;
	int rc = parse(s);

	memset(&sentinel, 0xa5, sizeof(sentinel));
	if (rc != -1 || !strstr(err, needle) || strchr(err, '\n') || memcmp(&line, &sentinel, sizeof(line)) != 0) {
		test_case_failed = 1;
		fprintf(stderr, "  line %d: \"%s\": rc %d, error \"%s\", wanted \"%s\"\n", lineno, s, rc, err, needle);
	}
}
#define EXPECT_ERROR(s, needle) expect_error((s), (needle), __LINE__)

static void test_multiboot_line(void)
{
	EXPECT_EQ(parse("vm=k type=multiboot mem=16M -- console=ttyS0 root=/dev/ram0"), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(line.kind, VMCONFIG_CREATES_VM);
	EXPECT_EQ(line.cfg.type, VM_TYPE_MULTIBOOT);
	EXPECT_STREQ(line.cfg.name, "k");
	EXPECT_EQ(line.cfg.mem_size, 16 << 20);
	EXPECT_STREQ(line.cfg.args, "console=ttyS0 root=/dev/ram0");
	EXPECT_EQ(line.cfg.vcpus, 1);
	EXPECT_EQ(line.cfg.testdev, 0);
	EXPECT_EQ(line.cfg.cpu[0], -1);
	/* every VM option that applies */
	EXPECT_EQ(parse("vm=k type=multiboot mem=2M cpus=4 cpu=1 on_reset=restart testdev=on -- x"), 0);
	EXPECT_EQ(line.cfg.vcpus, 4);
	EXPECT_EQ(line.cfg.cpu[3], 1);
	EXPECT_EQ(line.cfg.on_reset, VM_ON_RESET_RESTART);
	EXPECT_EQ(line.cfg.testdev, 1);
	EXPECT_EQ(parse("vm=k type=multiboot mem=16M testdev=off"), 0);
	EXPECT_EQ(line.cfg.testdev, 0);
	EXPECT_STREQ(line.cfg.args, "");
}

/* After "--" everything is the kernel's, verbatim: key=value words, a
 * second "--", words the grammar would refuse. */
static void test_args_verbatim(void)
{
	EXPECT_EQ(parse("vm=k type=multiboot mem=16M --"), 0);
	EXPECT_STREQ(line.cfg.args, "");
	EXPECT_EQ(parse("vm=k type=multiboot mem=16M -- mem=1G vm=x -- frobnicate ="), 0);
	EXPECT_STREQ(line.cfg.args, "mem=1G vm=x -- frobnicate =");
	EXPECT_EQ(line.cfg.mem_size, 16 << 20);
	EXPECT_STREQ(line.cfg.name, "k");
	/* "--" may come first: then the options are all missing */
	EXPECT_ERROR("-- vm=k type=multiboot mem=16M", "vm= missing");
	/* a word that only starts with -- is an option, and a bad one */
	EXPECT_ERROR("vm=k type=multiboot mem=16M --x", "option '--x' has no value");
	/* the args point into the line itself */
	const char *s = "vm=k type=multiboot mem=16M -- abc";
	EXPECT_EQ(parse(s), 0);
	EXPECT_TRUE(line.cfg.args == s + strlen(s) - 3);
}

static void test_multiboot_refusals(void)
{
	EXPECT_ERROR("vm=k type=multiboot mem=16M load=0x100000",
		     "type=multiboot: load= does not apply (the kernel's Multiboot header says where it loads and how it starts)");
	EXPECT_ERROR("vm=k type=multiboot mem=16M entry=0x100000", "type=multiboot: entry= does not apply");
	EXPECT_ERROR("vm=k type=multiboot mem=16M mode=protected", "type=multiboot: mode= does not apply");
	EXPECT_ERROR("vm=k type=multiboot mem=1M", "type=multiboot: mem= is too small (at least 2M");
	EXPECT_ERROR("vm=k type=multiboot mem=2044K", "too small");
	EXPECT_ERROR("vm=k type=multiboot", "mem= missing");
	EXPECT_ERROR("vm=k type=multiboot mem=16M testdev=yes", "option 'testdev=yes': expected on or off");
	EXPECT_ERROR("vm=k type=multiboot mem=16M testdev=on testdev=on", "testdev= given twice");
	/* errors before "--" still count */
	EXPECT_ERROR("vm=k type=multiboot mem=16Q -- x", "bad size");
}

static void test_module_line(void)
{
	EXPECT_EQ(parse("vm=k type=module"), 0);
	EXPECT_EQ(line.kind, VMCONFIG_ATTACHES);
	EXPECT_STREQ(line.cfg.name, "k");
	EXPECT_STREQ(line.cfg.args, "");
	EXPECT_EQ(parse("type=module vm=k -- initrd args here"), 0);
	EXPECT_EQ(line.kind, VMCONFIG_ATTACHES);
	EXPECT_STREQ(line.cfg.args, "initrd args here");
	EXPECT_EQ(line.cfg.mem_size, 0);
	EXPECT_ERROR("vm=k type=module mem=1M",
		     "type=module: mem= does not apply (a module line takes only vm=, type= and -- ARGS)");
	EXPECT_ERROR("vm=k type=module cpus=2 -- x", "type=module: cpus= does not apply");
	EXPECT_ERROR("vm=k type=module on_reset=stop", "type=module: on_reset= does not apply");
	EXPECT_ERROR("vm=k type=module testdev=on", "type=module: testdev= does not apply");
	EXPECT_ERROR("vm=k type=module load=0", "type=module: load= does not apply");
	EXPECT_ERROR("type=module -- x", "vm= missing");
	EXPECT_ERROR("vm=k -- x", "type= missing");
	EXPECT_ERROR("vm=k type=module vm=j", "vm= given twice");
	/* the old entry point refuses a line that creates no VM */
	struct vm_config cfg;
	EXPECT_EQ(vmconfig_parse("vm=k type=module", 512, &cfg, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "type=module attaches a file to a VM; it does not create one") != NULL);
}

static void test_flat_refusals(void)
{
	EXPECT_ERROR("vm=g type=flat mem=1M -- x", "type=flat takes no arguments (nothing may follow --)");
	EXPECT_ERROR("vm=g type=flat mem=1M --", "type=flat takes no arguments");
	EXPECT_ERROR("vm=g type=flat mem=1M testdev=on", "type=flat: testdev= applies to type=multiboot only");
	EXPECT_ERROR("vm=g type=linux mem=16M", "type=linux is not supported yet (type=flat, multiboot and module are)");
	/* flat lines still mean what they meant */
	EXPECT_EQ(parse("vm=g type=flat mem=1M"), 0);
	EXPECT_EQ(line.kind, VMCONFIG_CREATES_VM);
	EXPECT_EQ(line.cfg.type, VM_TYPE_FLAT);
	EXPECT_EQ(line.cfg.load_addr, 0x7c00);
	EXPECT_STREQ(line.cfg.args, "");
}

static void test_module_line_vm(void)
{
	char name[VM_NAME_MAX];

	EXPECT_TRUE(vmconfig_module_line_vm("vm=k type=module mem=1M", name));
	EXPECT_STREQ(name, "k");
	EXPECT_TRUE(vmconfig_module_line_vm("type=module bogus vm=abc -- vm=x", name));
	EXPECT_STREQ(name, "abc");
	EXPECT_TRUE(!vmconfig_module_line_vm("vm=k type=multiboot mem=1M", name));
	EXPECT_TRUE(!vmconfig_module_line_vm("vm=k -- type=module", name));
	EXPECT_TRUE(vmconfig_module_line_vm("type=module vm=0123456789abcdef", name));
	EXPECT_STREQ(name, "");   /* too long to be a name */
	EXPECT_TRUE(!vmconfig_module_line_vm(NULL, name));
}

static void test_flat_image_hint(void)
{
	uint8_t img[0x300] = { 0 };

	EXPECT_TRUE(vmconfig_flat_image_hint(img, sizeof(img)) == NULL);
	memcpy(img, "\x7f" "ELF", 4);
	EXPECT_STREQ(vmconfig_flat_image_hint(img, sizeof(img)),
		     "it is an ELF file, not a flat binary: a Multiboot kernel wants type=multiboot");
	EXPECT_TRUE(vmconfig_flat_image_hint(img, 3) == NULL);
	memset(img, 0, 4);
	memcpy(img + 0x202, "HdrS", 4);
	EXPECT_STREQ(vmconfig_flat_image_hint(img, sizeof(img)),
		     "it is a Linux bzImage (\"HdrS\" at 0x202): a Linux kernel wants type=linux");
	EXPECT_TRUE(vmconfig_flat_image_hint(img, 0x205) == NULL);
	EXPECT_TRUE(vmconfig_flat_image_hint(img, 0) == NULL);
}

int main(void)
{
	RUN(test_multiboot_line);
	RUN(test_args_verbatim);
	RUN(test_multiboot_refusals);
	RUN(test_module_line);
	RUN(test_flat_refusals);
	RUN(test_module_line_vm);
	RUN(test_flat_image_hint);
	TEST_MAIN_END();
}
