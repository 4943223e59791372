/* tests/unit/test_hvboot_config.c - hvboot.efi's \svm-hv.cfg reader: the two line kinds, paths, words passed on verbatim, errors naming file and line. */
/* UNIT_SRC: boot/efi/config.c lib/printf.c */

#include "test.h"
#include "boot/efi/config.h"

static struct hvcfg cfg;
static char err[256];

static int parse(const char *text)
{
	return hvcfg_parse(text, strlen(text), "\\svm-hv.cfg", &cfg, err, sizeof(err));
}

static void test_two_line_kinds(void)
{
	EXPECT_EQ(parse("multiboot2 /boot/hv.elf console=com1 loglevel=info\n"
			"module2 /boot/hello.bin vm=hello type=flat mode=real mem=1M\n"
			"module2 /boot/chatty.bin vm=chatty type=flat\n"), 0);
	EXPECT_STREQ(err, "");
	EXPECT_STREQ(cfg.kernel.path, "\\boot\\hv.elf");
	EXPECT_STREQ(cfg.kernel.cmdline, "console=com1 loglevel=info");
	EXPECT_EQ(cfg.kernel.line, 1);
	EXPECT_EQ(cfg.module_count, 2);
	EXPECT_STREQ(cfg.modules[0].path, "\\boot\\hello.bin");
	EXPECT_STREQ(cfg.modules[0].cmdline, "vm=hello type=flat mode=real mem=1M");
	EXPECT_EQ(cfg.modules[0].line, 2);
	EXPECT_TRUE(!cfg.modules[0].nounzip);
	EXPECT_STREQ(cfg.modules[1].path, "\\boot\\chatty.bin");
	EXPECT_EQ(cfg.modules[1].line, 3);
}

static void test_blanks_comments_and_runs(void)
{
	EXPECT_EQ(parse("# svm-hv\n\n   \t\n  # indented comment\n"
			"\t multiboot2\t /boot/hv.elf   console=com1 \t on_idle=halt  \r\n"
			"module2 /boot/a.bin\r\n"
			"   module2   /x   w1\t\tw2   \n"
			"# the end, no newline after this"), 0);
	EXPECT_STREQ(cfg.kernel.cmdline, "console=com1 on_idle=halt");
	EXPECT_EQ(cfg.kernel.line, 5);
	EXPECT_EQ(cfg.module_count, 2);
	EXPECT_STREQ(cfg.modules[0].path, "\\boot\\a.bin");
	EXPECT_STREQ(cfg.modules[0].cmdline, "");       /* GRUB gives "" too */
	EXPECT_STREQ(cfg.modules[1].path, "\\x");
	EXPECT_STREQ(cfg.modules[1].cmdline, "w1 w2");
	EXPECT_EQ(cfg.modules[1].line, 7);
}

static void test_words_verbatim(void)
{
	/* Module options are the hypervisor's grammar: nothing here reads them. */
	EXPECT_EQ(parse("multiboot2 /hv.elf\nmodule2 /boot/k.elf vm=k type=multiboot mem=16M -- button =x= ,,\n"), 0);
	EXPECT_STREQ(cfg.kernel.cmdline, "");
	EXPECT_STREQ(cfg.modules[0].cmdline, "vm=k type=multiboot mem=16M -- button =x= ,,");
	EXPECT_STREQ(cfg.kernel.path, "\\hv.elf");
}

static void test_nounzip_and_gz_paths(void)
{
	EXPECT_EQ(parse("multiboot2 /boot/hv.elf\nmodule2 --nounzip /boot/blob.gz vm=a\n"
			"module2 /boot/hello.bin.gz vm=b --nounzip\n"), 0);
	EXPECT_TRUE(cfg.modules[0].nounzip);
	EXPECT_STREQ(cfg.modules[0].path, "\\boot\\blob.gz");
	EXPECT_STREQ(cfg.modules[0].cmdline, "vm=a");
	/* only as the first argument, as GRUB: later it is one of the words */
	EXPECT_TRUE(!cfg.modules[1].nounzip);
	EXPECT_STREQ(cfg.modules[1].path, "\\boot\\hello.bin.gz");
	EXPECT_STREQ(cfg.modules[1].cmdline, "vm=b --nounzip");
}

static void expect_error(const char *text, const char *want)
{
	EXPECT_EQ(parse(text), -1);
	EXPECT_STREQ(err, want);
}

static void test_errors_name_file_and_line(void)
{
	expect_error("multiboot2 /boot/hv.elf\n\nlinux /vmlinuz\n",
		     "\\svm-hv.cfg:3: unknown command 'linux': only multiboot2 and module2 lines are understood");
	expect_error("module2 /a.bin\nmultiboot2 /hv.elf\n",
		     "\\svm-hv.cfg:1: module2 before the multiboot2 line");
	expect_error("multiboot2 /hv.elf\nmultiboot2 /hv.elf\n",
		     "\\svm-hv.cfg:2: a second multiboot2 line (the first is line 1)");
	expect_error("# nothing\n\n", "\\svm-hv.cfg: no multiboot2 line (which names the hypervisor)");
	expect_error("", "\\svm-hv.cfg: no multiboot2 line (which names the hypervisor)");
	expect_error("multiboot2\n", "\\svm-hv.cfg:1: multiboot2 needs a path");
	expect_error("multiboot2 /hv.elf\nmodule2   \n", "\\svm-hv.cfg:2: module2 needs a path");
	expect_error("multiboot2 /hv.elf\nmodule2 --nounzip\n", "\\svm-hv.cfg:2: module2 --nounzip needs a path");
	expect_error("multiboot2 boot/hv.elf\n",
		     "\\svm-hv.cfg:1: path 'boot/hv.elf' must start with '/' (absolute from the volume's root)");
	expect_error("multiboot2 (hd0,1)/hv.elf\n",
		     "\\svm-hv.cfg:1: path '(hd0,1)/hv.elf' must start with '/' (absolute from the volume's root)");
	expect_error("menuentry x {\n", "\\svm-hv.cfg:1: character '{' is not allowed: GRUB's script language would read it otherwise (only plain words)");
	expect_error("multiboot2 /hv.elf\x01\n", "\\svm-hv.cfg:1: control character 0x01 in the line");
	expect_error("multiboot2 /hv.elf\nmodule2 /h\xc3\xa9.bin\n", "\\svm-hv.cfg:2: path '/h\xc3\xa9.bin' is not ASCII");
}

static void test_grub_special_characters(void)
{
	static const char specials[] = "'\"$\\;{}|&<>#";
	char text[80], want[200];

	for (const char *c = specials; *c; c++) {
		snprintf(text, sizeof(text), "multiboot2 /hv.elf\nmodule2 /a.bin vm=a%cb\n", *c);
		snprintf(want, sizeof(want),
			 "\\svm-hv.cfg:2: character '%c' is not allowed: GRUB's script language would read it otherwise (only plain words)",
			 *c);
		expect_error(text, want);
	}
	/* a comment after the words would be a comment to GRUB: refused too */
	expect_error("multiboot2 /hv.elf console=com1 # the serial port\n",
		     "\\svm-hv.cfg:1: character '#' is not allowed: GRUB's script language would read it otherwise (only plain words)");
	/* UTF-8 in a word GRUB passes on as it is: so do we */
	EXPECT_EQ(parse("multiboot2 /hv.elf name=\xc3\xa9t\xc3\xa9\n"), 0);
	EXPECT_STREQ(cfg.kernel.cmdline, "name=\xc3\xa9t\xc3\xa9");
}

static void test_nul_and_limits(void)
{
	static char big[8192];
	static const char nul_text[] = "multiboot2 /hv.elf\nmodule2 /a\0b\n";
	size_t n;

	EXPECT_EQ(hvcfg_parse(nul_text, sizeof(nul_text) - 1, "\\svm-hv.cfg", &cfg, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "\\svm-hv.cfg:2: NUL byte in the line (not a text file?)");

	n = (size_t)snprintf(big, sizeof(big), "multiboot2 /hv.elf\n");
	for (int i = 0; i < HVCFG_MAX_MODULES; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "module2 /m%d.bin vm=m%d\n", i, i);
	EXPECT_EQ(parse(big), 0);
	EXPECT_EQ(cfg.module_count, HVCFG_MAX_MODULES);
	EXPECT_STREQ(cfg.modules[31].cmdline, "vm=m31");
	snprintf(big + n, sizeof(big) - n, "module2 /one-too-many.bin\n");
	expect_error(big, "\\svm-hv.cfg:34: more than 32 module2 lines (the hypervisor takes 32 modules)");

	/* a command line of exactly the limit fits; one byte more does not */
	n = (size_t)snprintf(big, sizeof(big), "multiboot2 /hv.elf ");
	memset(big + n, 'a', HVCFG_CMDLINE_MAX - 1);
	big[n + HVCFG_CMDLINE_MAX - 1] = '\0';
	EXPECT_EQ(parse(big), 0);
	EXPECT_EQ(strlen(cfg.kernel.cmdline), HVCFG_CMDLINE_MAX - 1);
	big[n + HVCFG_CMDLINE_MAX - 1] = 'a';
	big[n + HVCFG_CMDLINE_MAX] = '\0';
	expect_error(big, "\\svm-hv.cfg:1: command line longer than 1023 bytes");

	n = (size_t)snprintf(big, sizeof(big), "multiboot2 /");
	memset(big + n, 'p', HVCFG_PATH_MAX);
	big[n + HVCFG_PATH_MAX] = '\0';
	expect_error(big, "\\svm-hv.cfg:1: path longer than 255 bytes");
}

/* A byte-order mark is named as what it is, not as part of a command. */
static void test_byte_order_mark(void)
{
	expect_error("\xef\xbb\xbfmultiboot2 /boot/hv.elf\n",
		     "\\svm-hv.cfg:1: the file starts with a UTF-8 byte-order mark: save it as plain text without one");
}

static void test_no_err_buffer(void)
{
	EXPECT_EQ(hvcfg_parse("bad\n", 4, "x", &cfg, NULL, 0), -1);
	EXPECT_EQ(hvcfg_parse("multiboot2 /a\n", 14, "x", &cfg, NULL, 0), 0);
}

int main(void)
{
	RUN(test_two_line_kinds);
	RUN(test_blanks_comments_and_runs);
	RUN(test_words_verbatim);
	RUN(test_nounzip_and_gz_paths);
	RUN(test_errors_name_file_and_line);
	RUN(test_grub_special_characters);
	RUN(test_nul_and_limits);
	RUN(test_byte_order_mark);
	RUN(test_no_err_buffer);
	TEST_MAIN_END();
}
