/*
 * Packet fanout groups of two sockets, where a loaded eBPF program chooses
 * the member (see fanout.h). Apart from libpcap, whose classic-BPF
 * struct bpf_insn clashes with the kernel's eBPF one.
 */
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nscap/fanout.h"

/* Join fd to fanout group id, where an eBPF program chooses (flags: e.g. a
 * new group with an id the kernel picks). */
int nscap_fanout_join(int fd, unsigned int id, unsigned int flags)
{
	int val = (int)(id | ((PACKET_FANOUT_EBPF | flags) << 16));

	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val));
}

/*
 * Load the program "return k" as an eBPF socket filter; returns its fd or
 * -1. Switching a group to a loaded program is a pointer swap. A classic BPF
 * program (PACKET_FANOUT_CBPF) would be translated and JIT-compiled inside
 * the switching setsockopt, and measured here that held the switch back
 * about 2 ms, long enough for a burst to overflow the immediate ring.
 */
int nscap_fanout_load_choice(unsigned int k)
{
	struct bpf_insn prog[2];
	union bpf_attr attr;

	memset(prog, 0, sizeof(prog));
	prog[0].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = k */
	prog[0].dst_reg = BPF_REG_0;
	prog[0].imm = (int32_t)k;
	prog[1].code = BPF_JMP | BPF_EXIT;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/*
 * Send the group's packets to the member that program fd prog names.
 * Replacing a program waits for an RCU grace period (synchronize_net in the
 * kernel, about 15 ms here) after the swap, so when this returns no packet
 * goes to the other member any more; setting the first one does not wait.
 */
int nscap_fanout_choose(int fd, int prog)
{
	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
			  sizeof(prog));
}
