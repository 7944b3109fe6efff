/*
 * Small /proc files (a process's comm, stat, status, cgroup), read whole in
 * one place for target resolution, -L and the exit check.
 */
#ifndef NSCAP_PROCFS_H
#define NSCAP_PROCFS_H

#include <stddef.h>

/*
 * Read the file at path into buf, NUL-terminated, at most len - 1 bytes
 * (a longer file is cut). Returns 0, or -errno: -ESRCH when the file does
 * not exist (the process is gone).
 */
int nscap_proc_read(const char *path, char *buf, size_t len);

#endif
