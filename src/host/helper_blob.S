/*
 * host/helper_blob.S — the host helper program, built first
 * (build/mmsim-host-helper), carried inside the library so that every
 * program linked with it can start the helper without finding a file:
 * host.c writes it to a memfd and executes that.
 */
	.section .rodata
	.balign 16
	.globl host_helper_image
	.hidden host_helper_image
host_helper_image:
	.incbin HELPER_PATH
	.globl host_helper_image_end
	.hidden host_helper_image_end
host_helper_image_end:
	.section .note.GNU-stack,"",@progbits
