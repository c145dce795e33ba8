"""Query workers cannot open network connections: the kernel refuses them.

``SERVICE`` makes the SPARQL engine fetch any URL a query names, from the server's network.
Refusing it by reading the query text needs a second parser that agrees with the engine on
every byte, and an attack showed that one does not: rdflib expands ``\\u`` escapes inside
comments, Oxigraph does not, so a comment could hide a real ``SERVICE`` from the check. So the
decision is not made by reading the text at all. Each query worker process, before it opens
the store or runs anything, installs a seccomp filter under which creating an IPv4 or IPv6
socket fails with ``EACCES`` (and ``io_uring``, which could open sockets behind seccomp's back,
is unavailable). Whatever the engine makes of a query, it cannot reach another host, loopback
included; the pipe to the server keeps working. A query that tries gets the engine's own error,
which the worker reports as a refused ``SERVICE`` (see ``guard``).

Linux on x86-64 and AArch64 only. Elsewhere ``deny_network`` says why it could not, and the
worker falls back to a conservative textual check (``guard.service_suspected``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import sys

# <linux/audit.h>, <asm/unistd.h>: (audit arch, socket, seccomp) per machine
_ARCHES = {
    "x86_64": (0xC000003E, 41, 317),
    "amd64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
    "arm64": (0xC00000B7, 198, 277),
}
_IO_URING_SETUP = 425  # the same number on both (syscalls added after 4.19 share numbers)
_X32_SYSCALL_BIT = 0x40000000
_AF_INET, _AF_INET6 = 2, 10

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000

# classic BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
# offsets in struct seccomp_data
_NR, _ARCH, _ARG0 = 0, 4, 16


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def _program(arch: int, socket_nr: int, x32_possible: bool) -> list[_Insn]:
    """The filter: deny socket(AF_INET|AF_INET6, ...), io_uring_setup, and every system call
    of another ABI (a 32-bit entry point could spell ``socket`` differently); allow the rest.

    Jump offsets count instructions after the jump; the layout is fixed, so they are literal.
    """
    deny = _RET_ERRNO | errno.EACCES
    insns = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),                       # our ABI: go on
        (_RET_K, 0, 0, deny),                       # another ABI: refuse
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT) if x32_possible else (_JEQ_K, 0, 1, 0xFFFFFFFF),
        (_RET_K, 0, 0, deny),                       # x32 system calls: refuse
        (_JEQ_K, 0, 1, _IO_URING_SETUP),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 1, 0, socket_nr),
        (_RET_K, 0, 0, _RET_ALLOW),                 # not socket(): allow
        (_LD_W_ABS, 0, 0, _ARG0),                   # the address family
        (_JEQ_K, 2, 0, _AF_INET),
        (_JEQ_K, 1, 0, _AF_INET6),
        (_RET_K, 0, 0, _RET_ALLOW),                 # AF_UNIX and the like: allow
        (_RET_K, 0, 0, deny),
    ]
    return [_Insn(*insn) for insn in insns]


def deny_network() -> str | None:
    """Forbid this process (all its threads, and every process it starts) to open IPv4 or
    IPv6 sockets from now on. None when done; otherwise why it could not be done.

    Irreversible by design: call it only in a process that must never reach the network.
    """
    if sys.platform != "linux":
        return f"no seccomp on {sys.platform}"
    machine = platform.machine().lower()
    if machine not in _ARCHES:
        return f"no seccomp filter for {machine} machines"
    arch, socket_nr, seccomp_nr = _ARCHES[machine]
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    insns = _program(arch, socket_nr, x32_possible=arch == _ARCHES["x86_64"][0])
    array = (_Insn * len(insns))(*insns)
    prog = _Prog(len(insns), array)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
    # seccomp(2) with TSYNC puts every thread of the process under the filter, not only
    # this one; kernels before 3.17 lack it, and prctl then covers this thread and its
    # future children (a worker installs the filter before it starts any thread).
    done = libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC,
                        ctypes.byref(prog))
    if done != 0 and ctypes.get_errno() == errno.ENOSYS:
        done = libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0)
    if done != 0:
        return f"installing the seccomp filter failed: {os.strerror(ctypes.get_errno())}"
    return None
