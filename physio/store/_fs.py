"""Which filesystem a folder is on: SQLite must not be used on a network share, where its locks are unreliable.

Read from the mount table (/proc/mounts on Linux): the mount point that is the longest prefix of the folder's
real path names the filesystem type. Where there is no mount table (macOS, Windows) nothing is detected.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The mount table read on Linux; a test points it at a file of its own to fake a network share.
MOUNT_TABLE = Path("/proc/mounts")

#: Filesystem types whose file locking SQLite cannot rely on (network shares and FUSE mounts such as sshfs).
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "lustre", "gpfs", "beegfs", "davfs", "fuse", "fuseblk", "sshfs", "webdav", "vboxsf", "vmhgfs",
})


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a path as \\040 (and tab, newline, backslash likewise)."""
    for code, ch in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, ch)
    return field


def filesystem_type(folder: str | Path, mount_table: Path | None = None) -> str | None:
    """The type of the filesystem holding `folder` ('ext4', 'nfs4', 'fuse.sshfs'...), None if unknown."""
    table = mount_table or MOUNT_TABLE
    try:
        lines = table.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    path = os.path.realpath(folder)
    best, best_type = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount, fstype = _unescape(parts[1]), parts[2]
        inside = path == mount or path.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, fstype
    return best_type


def is_network_filesystem(fstype: str | None) -> bool:
    if not fstype:
        return False
    return fstype in NETWORK_FILESYSTEMS or fstype.split(".")[0] in NETWORK_FILESYSTEMS
