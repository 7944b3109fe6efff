/*
 * Packet fanout groups of two sockets, where an eBPF program chooses the
 * member by reading it from a one-entry array map (see fanout.h). Apart
 * from libpcap, whose classic-BPF struct bpf_insn clashes with the kernel's
 * eBPF one.
 *
 * Why a map: replacing a group's program (PACKET_FANOUT_DATA) makes the
 * kernel wait for an RCU grace period, 15 to 55 ms here, and a classic-BPF
 * program (PACKET_FANOUT_CBPF) is also compiled inside that setsockopt.
 * Meanwhile the loop is held up, or, run elsewhere, the switch lands late:
 * either way a burst overflows the small immediate ring. A change of the map
 * takes effect for the next packet the kernel hands out.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nscap/fanout.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int nscap_fanout_join(int fd, unsigned int id, unsigned int flags)
{
	int val = (int)(id | ((PACKET_FANOUT_EBPF | flags) << 16));

	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val));
}

int nscap_fanout_map(uint32_t **mem)
{
	union bpf_attr attr;
	int fd;

	*mem = NULL;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(uint32_t);
	attr.value_size = sizeof(struct nscap_fanout_value);
	attr.max_entries = 1;
	/* mappable (5.5+): then a switch is a store, which needs no
	 * privileges on any kernel; before 6.5 bpf() refuses even a map
	 * update to a process without CAP_BPF when unprivileged BPF is off,
	 * as distributions set it, and nscap may have dropped its privileges */
	attr.map_flags = BPF_F_MMAPABLE;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd >= 0) {
		void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE),
			       PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (p != MAP_FAILED)
			*mem = p;
		return fd;
	}
	attr.map_flags = 0;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

void nscap_fanout_unmap(uint32_t *mem)
{
	if (mem)
		munmap(mem, (size_t)sysconf(_SC_PAGESIZE));
}

/* One instruction. */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
			    int32_t imm)
{
	struct bpf_insn i;

	memset(&i, 0, sizeof(i));
	i.code = code;
	i.dst_reg = dst & 0xf;
	i.src_reg = src & 0xf;
	i.off = off;
	i.imm = imm;
	return i;
}

/*
 * The program: member = map[0].member; on the immediate ring (1, or
 * NSCAP_FANOUT_WATCH) count the packet in map[0].sent; with
 * NSCAP_FANOUT_WATCH, when map[0].room or more sent before it are unread
 * (sent - ack, as nscap stores ack), store and return member 0, the twin;
 * then count the packets that come less than NSCAP_FANOUT_BURST_NS after
 * the first of their run (map[0].start, .count), and at
 * NSCAP_FANOUT_BURST_PACKETS do the same; otherwise the immediate ring, 1.
 * A packet sent to the twin is not left in sent.
 * With watch false, only the member (for a map that nscap cannot read).
 */
int nscap_fanout_load(int map, bool watch)
{
	const int16_t member = offsetof(struct nscap_fanout_value, member);
	const int16_t count = offsetof(struct nscap_fanout_value, count);
	const int16_t start = offsetof(struct nscap_fanout_value, start_ns);
	const int16_t sent = offsetof(struct nscap_fanout_value, sent);
	const int16_t ack = offsetof(struct nscap_fanout_value, ack);
	const int16_t room = offsetof(struct nscap_fanout_value, room);
	union bpf_attr attr;
	struct bpf_insn prog[] = {
		/* 0: r0 = lookup(map, &(u32){0}); if !r0 return 0 */
		insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0,
		     map),
		insn(0, 0, 0, 0, 0), /* the upper half of the 64-bit load */
		insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 30, 0), /* 37 */
		/* 7: r6 = value; r0 = member; the twin: return it */
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0),
		insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0, BPF_REG_6, member,
		     0),
		insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 26, 0), /* 36 */
		/* 10: r8 = sent before this packet, which is counted (atomic:
		 * packets come on several CPUs at once; counted while nscap
		 * settles too, so that what waits then counts as unread);
		 * unless watching, return the member */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_8, 0, 0, 1),
		insn(BPF_STX | BPF_ATOMIC | BPF_W, BPF_REG_6, BPF_REG_8, sent,
		     BPF_ADD | BPF_FETCH),
		insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 23, /* 36 */
		     NSCAP_FANOUT_WATCH),
		/* 13: r8 -= ack, in 32 bits (sent wraps): the unread; with
		 * room of them or more, the twin from now on */
		insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_7, BPF_REG_6, ack, 0),
		insn(BPF_ALU | BPF_SUB | BPF_X, BPF_REG_8, BPF_REG_7, 0, 0),
		insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_7, BPF_REG_6, room, 0),
		insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_7, 0, 1, 0), /* 18 */
		insn(BPF_JMP | BPF_JGE | BPF_X, BPF_REG_8, BPF_REG_7,
		     9, /* 27 */
		     0),
		/* 18: r8 = now - start; a new run when it is over the bound */
		insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns),
		insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_7, BPF_REG_6, start,
		     0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_8, BPF_REG_0, 0, 0),
		insn(BPF_ALU64 | BPF_SUB | BPF_X, BPF_REG_8, BPF_REG_7, 0, 0),
		insn(BPF_JMP | BPF_JGT | BPF_K, BPF_REG_8, 0, 9, /* 32 */
		     NSCAP_FANOUT_BURST_NS),
		/* 23: one more in the run; below the bound, the immediate
		 * ring; at it, the twin from now on */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_8, 0, 0, 1),
		insn(BPF_STX | BPF_ATOMIC | BPF_W, BPF_REG_6, BPF_REG_8, count,
		     BPF_ADD | BPF_FETCH),
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_8, 0, 0, 1),
		insn(BPF_JMP | BPF_JLT | BPF_K, BPF_REG_8, 0, 7, /* 34 */
		     NSCAP_FANOUT_BURST_PACKETS),
		/* 27: the twin, and this packet uncounted: it is not in the
		 * immediate ring (so nscap learns no filter from a switch) */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_8, 0, 0, -1),
		insn(BPF_STX | BPF_ATOMIC | BPF_W, BPF_REG_6, BPF_REG_8, sent,
		     BPF_ADD),
		insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_6, 0, member, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* 32: a new run begins with this packet */
		insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_0, start,
		     0),
		insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_6, 0, count, 1),
		/* 34 */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* 36: the member, as read */
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* 37 */
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	/* the plain one: the first nine, then return the member (9), or 0
	 * when the lookup failed (10) */
	struct bpf_insn plain[12];

	memcpy(plain, prog, 9 * sizeof(prog[0]));
	plain[6].off = 3;
	plain[9] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	plain[10] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	plain[11] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)(watch ? prog : plain);
	attr.insn_cnt = watch ? sizeof(prog) / sizeof(prog[0])
			      : sizeof(plain) / sizeof(plain[0]);
	attr.license = (uint64_t)(uintptr_t) "GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

int nscap_fanout_attach(int fd, int prog)
{
	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
			  sizeof(prog));
}

int nscap_fanout_choose(int map, uint32_t *mem, unsigned int member)
{
	struct nscap_fanout_value value = {.member = member};
	uint32_t key = 0;
	union bpf_attr attr;

	if (mem) {
		__atomic_store_n(mem, value.member, __ATOMIC_RELEASE);
		return 0;
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)map;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)&value;
	attr.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &attr);
}
