/* boot/efi/console.c - hvboot.efi's messages on the firmware console. */
#include <stdarg.h>
#include "boot/efi/hvboot.h"
#include "lib/printf.h"

/* ASCII (UTF-8 shown byte by byte) to UCS-2 for OutputString (UEFI spec
 * 12.4 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL), in chunks, "\n" as CR LF. */
static void con_write(const char *s)
{
	CHAR16 out[130];
	unsigned n = 0;

	for (; *s; s++) {
		if (*s == '\n')
			out[n++] = L'\r';
		out[n++] = (CHAR16)(unsigned char)*s;
		if (n >= ARRAY_SIZE(out) - 3) {
			out[n] = 0;
			uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, out);
			n = 0;
		}
	}
	out[n] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, out);
}

void con_printf(const char *fmt, ...)
{
	char buf[1600];
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	con_write(buf);
}

EFI_STATUS con_fail(EFI_STATUS status, const char *fmt, ...)
{
	char buf[1600];
	va_list ap;
	UINTN index;
	EFI_INPUT_KEY key;

	va_start(ap, fmt);
	hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	con_printf("hvboot: %s\n", buf);
	/* Waiting, not rebooting: the firmware's watchdog is off (main.c), so
	 * the message stays until someone has read it (UEFI spec 7.1
	 * WaitForEvent on ConIn's WaitForKey, 12.3 ReadKeyStroke). */
	con_printf("hvboot: press a key to return to the firmware\n");
	uefi_call_wrapper(ST->ConIn->Reset, 2, ST->ConIn, FALSE);
	uefi_call_wrapper(BS->WaitForEvent, 3, 1, &ST->ConIn->WaitForKey, &index);
	uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
	return status;
}

const char *efi_status_text(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS:              return "Success";
	case EFI_LOAD_ERROR:           return "Load Error";
	case EFI_INVALID_PARAMETER:    return "Invalid Parameter";
	case EFI_UNSUPPORTED:          return "Unsupported";
	case EFI_BUFFER_TOO_SMALL:     return "Buffer Too Small";
	case EFI_NOT_READY:            return "Not Ready";
	case EFI_DEVICE_ERROR:         return "Device Error";
	case EFI_OUT_OF_RESOURCES:     return "Out of Resources";
	case EFI_VOLUME_CORRUPTED:     return "Volume Corrupted";
	case EFI_NOT_FOUND:            return "Not Found";
	case EFI_ACCESS_DENIED:        return "Access Denied";
	case EFI_NO_MEDIA:             return "No Media";
	case EFI_ABORTED:              return "Aborted";
	default:                       return "error";
	}
}
