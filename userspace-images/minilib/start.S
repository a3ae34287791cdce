/*
 * _start: process entry for minilib programs.
 *
 * Linux (fs/binfmt_elf.c: create_elf_tables) leaves on the initial stack:
 *
 *     rsp ->  argc
 *             argv[0] ... argv[argc-1], NULL
 *             envp[0] ... NULL
 *             auxv pairs ... AT_NULL
 *
 * The SysV ABI requires rsp to be 16-byte aligned at the call into main
 * (so rsp+8 is aligned on entry to main); Linux already aligns it, but we
 * align again so a loader bug cannot shift every stack slot.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* outermost frame: no caller */
	movq	(%rsp), %rdi		/* argc */
	leaq	8(%rsp), %rsi		/* argv */
	leaq	16(%rsp,%rdi,8), %rdx	/* envp = argv + argc + 1 */
	andq	$-16, %rsp
	call	__minilib_start_main	/* never returns */
	hlt
	.size	_start, .-_start

	.section .note.GNU-stack, "", @progbits
