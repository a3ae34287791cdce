package dev.emu.kernel.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.hostfs.HostFilesystem;
import dev.emu.kernel.vfs.tmpfs.TmpfsFilesystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic layer over tmpfs and hostfs, without a CPU: Linux's path rules, the errno of each
 * bad request, and attempts to leave a host mount through "..", absolute symlinks and relative
 * symlinks. The tree: a tmpfs root with /etc/guest-only, a host directory read-write at
 * /mnt/host and the same directory read-only at /mnt/ro.
 */
class VfsTest {
    @TempDir
    Path host;

    private long clock = 1_000_000_000L;
    private Vfs vfs;
    private FsContext ctx;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(host.resolve("sub/deeper"));
        Files.writeString(host.resolve("sub/file.txt"), "host data\n");
        Files.createSymbolicLink(host.resolve("abs-escape"), Path.of("/etc"));
        Files.createSymbolicLink(host.resolve("rel-escape"), Path.of("../../../../../../.."));
        Files.createSymbolicLink(host.resolve("sub/deeper/up"), Path.of("../../.."));
        MountTable table = new MountTable();
        table.mountRoot(new TmpfsFilesystem(1, () -> clock, 1 << 20, 0755, null), "rootfs", false);
        vfs = new Vfs(table);
        ctx = new FsContext(table.root().rootDentry(), table.root().rootDentry(), 022);
        for (String d : List.of("/etc", "/mnt", "/mnt/host", "/mnt/ro")) {
            assertThat(vfs.mkdir(null, ctx, ctx.root(), d, 0755)).isZero();
        }
        write("/etc/guest-only", "guest\n");
        HostFilesystem rw = new HostFilesystem(host, 2);
        table.mount(lookup("/mnt/host", true).value(), rw, rw.root(), host.toString(), false);
        HostFilesystem ro = new HostFilesystem(host, 3);
        table.mount(lookup("/mnt/ro", true).value(), ro, ro.root(), host.toString(), true);
    }

    private Result<Dentry> lookup(String path, boolean follow) {
        return vfs.lookup(null, ctx, ctx.cwd(), path, follow);
    }

    private Result<File> open(String path, int flags) {
        return vfs.open(null, ctx, ctx.cwd(), path, flags, 0644);
    }

    private void write(String path, String text) {
        File f = open(path, Vfs.O_WRONLY | Vfs.O_CREAT | Vfs.O_TRUNC).value();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertThat(f.write(null, b, 0, b.length)).isEqualTo(b.length);
        f.release();
    }

    private String read(File f) {
        byte[] b = new byte[4096];
        long n = f.read(null, b, 0, b.length);
        assertThat(n).isNotNegative();
        return new String(b, 0, (int) n, StandardCharsets.UTF_8);
    }

    private Errno error(Result<?> r) {
        return r.error();
    }

    @Test
    void dotsAndRepeatedSlashesResolveLikeLinux() {
        assertThat(lookup("/mnt//host/./sub/../sub/file.txt", true).value().path()).isEqualTo("/mnt/host/sub/file.txt");
        assertThat(lookup("/../../etc/../etc/guest-only", true).value().path()).isEqualTo("/etc/guest-only");
        assertThat(lookup("/", true).value().path()).isEqualTo("/");
    }

    @Test
    void badPathsGiveLinuxErrnos() {
        assertThat(error(lookup("", true))).isEqualTo(Errno.ENOENT);
        assertThat(error(lookup("/nope/x", true))).isEqualTo(Errno.ENOENT);
        assertThat(error(lookup("/etc/guest-only/x", true))).isEqualTo(Errno.ENOTDIR);
        assertThat(error(lookup("/etc/guest-only/", true))).isEqualTo(Errno.ENOTDIR);
        assertThat(error(lookup("/etc/" + "n".repeat(256), true))).isEqualTo(Errno.ENAMETOOLONG);
        assertThat(error(lookup("/etc/" + "n".repeat(255), true))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void symlinkLoopsEndInEloopAfterFortyHops() {
        assertThat(vfs.symlink(null, ctx, "b", ctx.root(), "/a")).isZero();
        assertThat(vfs.symlink(null, ctx, "a", ctx.root(), "/b")).isZero();
        assertThat(error(lookup("/a", true))).isEqualTo(Errno.ELOOP);
        assertThat(lookup("/a", false).value().inode().isSymlink()).isTrue();
        assertThat(error(open("/a", Vfs.O_NOFOLLOW))).isEqualTo(Errno.ELOOP);
        // A chain of 40 links resolves; 41 do not (MAXSYMLINKS).
        assertThat(vfs.symlink(null, ctx, "/etc/guest-only", ctx.root(), "/l0")).isZero();
        for (int i = 1; i <= 40; i++) {
            assertThat(vfs.symlink(null, ctx, "/l" + (i - 1), ctx.root(), "/l" + i)).isZero();
        }
        assertThat(lookup("/l39", true).value().path()).isEqualTo("/etc/guest-only");
        assertThat(error(lookup("/l40", true))).isEqualTo(Errno.ELOOP);
    }

    @Test
    void hostSymlinksAndDotDotStayInsideTheGuestTree() {
        // An absolute host symlink is resolved from the guest root: /etc of the guest, not the host's.
        assertThat(lookup("/mnt/host/abs-escape/guest-only", true).value().path()).isEqualTo("/etc/guest-only");
        assertThat(error(lookup("/mnt/host/abs-escape/passwd", true))).isEqualTo(Errno.ENOENT);
        // Relative ones and ".." climb the guest's tree and stop at its root.
        assertThat(lookup("/mnt/host/rel-escape", true).value().path()).isEqualTo("/");
        assertThat(lookup("/mnt/host/sub/deeper/up", true).value().path()).isEqualTo("/mnt");
        assertThat(lookup("/mnt/host/../../../../etc/guest-only", true).value().path()).isEqualTo("/etc/guest-only");
        assertThat(lookup("/mnt/host/..", true).value().inode()).isSameAs(lookup("/mnt", true).value().inode());
    }

    @Test
    void aChrootedProcessCannotClimbOut() {
        ctx.setRoot(lookup("/mnt/host", true).value());
        assertThat(lookup("/../../..", true).value().sameAs(ctx.root())).isTrue();
        assertThat(error(lookup("/etc/guest-only", true))).isEqualTo(Errno.ENOENT);
        // The absolute link now resolves inside the chroot: /etc is not in the host directory.
        assertThat(error(lookup("/abs-escape", true))).isEqualTo(Errno.ENOENT);
        assertThat(lookup("/sub/file.txt", true).failed()).isFalse();
    }

    /** The device-node policy (no CAP_MKNOD) and what a host directory cannot hold or make. */
    @Test
    void deviceNodesAreEpermAndHostDirectoriesHoldFifosOnlyInTheGuestsView() {
        int chr = dev.emu.kernel.fs.FileStat.S_IFCHR | 0644;
        int fifo = dev.emu.kernel.fs.FileStat.S_IFIFO | 0644;
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/etc/null", chr, 0x103)).isEqualTo(Errno.EPERM.ret());
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/etc/fifo", fifo, 0)).isZero();
        assertThat(lookup("/etc/fifo", true).value().inode().type()).isEqualTo(dev.emu.kernel.fs.FileStat.S_IFIFO);
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/mnt/host/fifo", fifo, 0)).isZero();
        assertThat(lookup("/mnt/host/fifo", false).value().inode().type()).isEqualTo(dev.emu.kernel.fs.FileStat.S_IFIFO);
        assertThat(host.resolve("fifo")).as("the host does not see it").doesNotExist();
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/mnt/host/fifo", fifo, 0)).isEqualTo(Errno.EEXIST.ret());
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/mnt/host/null", chr, 0x103)).isEqualTo(Errno.EPERM.ret());
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/mnt/ro/fifo2", fifo, 0)).isEqualTo(Errno.EROFS.ret());
        assertThat(error(open("/mnt/host", Vfs.O_TMPFILE | Vfs.O_RDWR))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(error(open("/mnt/ro", Vfs.O_TMPFILE | Vfs.O_RDWR))).isEqualTo(Errno.EROFS);
        assertThat(error(open("/etc", Vfs.O_TMPFILE))).as("O_TMPFILE needs write access").isEqualTo(Errno.EINVAL);
        File tmp = open("/etc", Vfs.O_TMPFILE | Vfs.O_RDWR).value();
        assertThat(tmp.stat().nlink()).isZero();
        assertThat(tmp.describe()).startsWith("/etc/#").endsWith(" (deleted)");
        tmp.release();
    }

    @Test
    void aHostDirectoryListsItsSyntheticNodesAndIsNotEmptyWithThem() {
        int fifo = dev.emu.kernel.fs.FileStat.S_IFIFO | 0644;
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/mnt/host/d", 0755)).isZero();
        assertThat(vfs.mknod(null, ctx, ctx.root(), "/mnt/host/d/p", fifo, 0)).isZero();
        assertThat(lookup("/mnt/host/d", true).value().inode().list().value())
                .extracting(dev.emu.kernel.vfs.DirEntry::name).containsExactly("p");
        assertThat(vfs.rmdir(null, ctx, ctx.root(), "/mnt/host/d")).isEqualTo(Errno.ENOTEMPTY.ret());
        assertThat(host.resolve("d")).isEmptyDirectory();
        assertThat(vfs.rename(null, ctx, ctx.root(), "/mnt/host/d", ctx.root(), "/mnt/host/e", 0)).isZero();
        assertThat(lookup("/mnt/host/e/p", false).value().inode().type()).as("moved with its directory")
                .isEqualTo(dev.emu.kernel.fs.FileStat.S_IFIFO);
        assertThat(vfs.unlink(null, ctx, ctx.root(), "/mnt/host/e/p")).isZero();
        assertThat(vfs.rmdir(null, ctx, ctx.root(), "/mnt/host/e")).isZero();
        assertThat(host.resolve("e")).doesNotExist();
    }

    @Test
    void createExclusiveOnAnExistingFileIsEexist() {
        assertThat(error(open("/etc/guest-only", Vfs.O_CREAT | Vfs.O_EXCL | Vfs.O_WRONLY))).isEqualTo(Errno.EEXIST);
        assertThat(error(open("/etc", Vfs.O_WRONLY))).isEqualTo(Errno.EISDIR);
        assertThat(error(open("/etc/new/", Vfs.O_CREAT | Vfs.O_WRONLY))).isEqualTo(Errno.EISDIR);
        assertThat(error(open("/etc/guest-only", Vfs.O_DIRECTORY))).isEqualTo(Errno.ENOTDIR);
    }

    @Test
    void directoryRulesOfMkdirRmdirAndRename() {
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/etc", 0755)).isEqualTo(Errno.EEXIST.ret());
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/d/", 0755)).isZero();
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/d/e", 0755)).isZero();
        assertThat(vfs.rmdir(null, ctx, ctx.root(), "/d")).isEqualTo(Errno.ENOTEMPTY.ret());
        assertThat(vfs.rmdir(null, ctx, ctx.root(), "/d/.")).isEqualTo(Errno.EINVAL.ret());
        assertThat(vfs.rmdir(null, ctx, ctx.root(), "/etc/guest-only")).isEqualTo(Errno.ENOTDIR.ret());
        assertThat(vfs.unlink(null, ctx, ctx.root(), "/d")).isEqualTo(Errno.EISDIR.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/d", ctx.root(), "/d/e/inside", 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/etc/guest-only", ctx.root(), "/d", 0)).isEqualTo(Errno.EISDIR.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/d", ctx.root(), "/etc/guest-only", 0)).isEqualTo(Errno.ENOTDIR.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/d", ctx.root(), "/mnt/host/d", 0)).isEqualTo(Errno.EXDEV.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/d", ctx.root(), "/etc", Vfs.RENAME_NOREPLACE)).isEqualTo(Errno.EEXIST.ret());
        assertThat(vfs.rename(null, ctx, ctx.root(), "/d", ctx.root(), "/moved", 0)).isZero();
        assertThat(lookup("/moved/e", true).failed()).isFalse();
        assertThat(vfs.rename(null, ctx, ctx.root(), "/moved", ctx.root(), "/etc", Vfs.RENAME_EXCHANGE)).isZero();
        assertThat(lookup("/etc/e", true).failed()).isFalse();
        assertThat(lookup("/moved/guest-only", true).failed()).isFalse();
    }

    @Test
    void readOnlyMountsRefuseWritesWithErofs() {
        assertThat(error(open("/mnt/ro/new", Vfs.O_CREAT | Vfs.O_WRONLY))).isEqualTo(Errno.EROFS);
        assertThat(error(open("/mnt/ro/sub/file.txt", Vfs.O_RDWR))).isEqualTo(Errno.EROFS);
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/mnt/ro/d", 0755)).isEqualTo(Errno.EROFS.ret());
        assertThat(vfs.mkdir(null, ctx, ctx.root(), "/mnt/ro/sub", 0755)).isEqualTo(Errno.EEXIST.ret());
        assertThat(vfs.unlink(null, ctx, ctx.root(), "/mnt/ro/sub/file.txt")).isEqualTo(Errno.EROFS.ret());
        assertThat(vfs.access(lookup("/mnt/ro/sub/file.txt", true).value(), Vfs.W_OK)).isEqualTo(Errno.EROFS.ret());
        File f = open("/mnt/ro/sub/file.txt", 0).value();
        assertThat(read(f)).isEqualTo("host data\n");
        f.release();
    }

    @Test
    void writesThroughAReadWriteHostMountReachTheHost() throws Exception {
        write("/mnt/host/sub/new.txt", "from the guest\n");
        assertThat(Files.readString(host.resolve("sub/new.txt"))).isEqualTo("from the guest\n");
        assertThat(vfs.rename(null, ctx, ctx.root(), "/mnt/host/sub/new.txt", ctx.root(), "/mnt/host/renamed", 0)).isZero();
        assertThat(host.resolve("renamed")).hasContent("from the guest");
        assertThat(vfs.symlink(null, ctx, "sub/file.txt", ctx.root(), "/mnt/host/link")).isZero();
        assertThat(Files.readSymbolicLink(host.resolve("link"))).isEqualTo(Path.of("sub/file.txt"));
        assertThat(vfs.unlink(null, ctx, ctx.root(), "/mnt/host/renamed")).isZero();
        assertThat(host.resolve("renamed")).doesNotExist();
    }

    @Test
    void anUnlinkedFileStaysReadableWhileOpen() {
        write("/etc/tmp", "still here\n");
        File f = open("/etc/tmp", 0).value();
        assertThat(vfs.unlink(null, ctx, ctx.root(), "/etc/tmp")).isZero();
        assertThat(error(lookup("/etc/tmp", true))).isEqualTo(Errno.ENOENT);
        assertThat(f.stat().nlink()).isZero();
        assertThat(f.describe()).isEqualTo("/etc/tmp (deleted)");
        assertThat(read(f)).isEqualTo("still here\n");
        f.release();
    }

    @Test
    void directoriesListInCreationOrderWithDotsFirst() {
        for (String n : List.of("zeta", "alpha", "mid")) {
            write("/etc/" + n, n);
        }
        DirectoryFile d = (DirectoryFile) open("/etc", Vfs.O_DIRECTORY).value();
        assertThat(d.entriesFromPosition().value()).extracting(DirEntry::name)
                .containsExactly(".", "..", "guest-only", "zeta", "alpha", "mid");
        d.advance(3);
        assertThat(d.entriesFromPosition().value()).extracting(DirEntry::name).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void tmpfsNumbersAndTimesAreDeterministic() {
        clock = 5_000_000_000L;
        write("/etc/a", "x");
        FileStat first = lookup("/etc/a", true).value().stat();
        assertThat(first.mtimeNanos()).isEqualTo(5_000_000_000L);
        // Creation order: / 1, /etc 2, /mnt 3, /mnt/host 4, /mnt/ro 5, /etc/guest-only 6, /etc/a 7.
        assertThat(first.ino()).isEqualTo(7);
        clock = 7_000_000_000L;
        assertThat(vfs.truncate(lookup("/etc/a", true).value(), 10)).isZero();
        FileStat after = lookup("/etc/a", true).value().stat();
        assertThat(after.size()).isEqualTo(10);
        assertThat(after.mtimeNanos()).isEqualTo(7_000_000_000L);
        assertThat(after.atimeNanos()).isEqualTo(5_000_000_000L);
    }

    @Test
    void hardLinksShareTheInodeAndCountNames() {
        write("/etc/orig", "x");
        Dentry orig = lookup("/etc/orig", true).value();
        assertThat(vfs.link(null, ctx, ctx.root(), "/etc/orig", false, ctx.root(), "/etc/copy")).isZero();
        assertThat(lookup("/etc/copy", true).value().inode()).isSameAs(orig.inode());
        assertThat(orig.stat().nlink()).isEqualTo(2);
        assertThat(vfs.link(null, ctx, ctx.root(), "/etc", false, ctx.root(), "/etc2")).isEqualTo(Errno.EPERM.ret());
        assertThat(vfs.link(null, ctx, ctx.root(), "/etc/orig", false, ctx.root(), "/mnt/host/x")).isEqualTo(Errno.EXDEV.ret());
    }

    private Result<Dentry> restricted(int resolve, Dentry start, String path) {
        return vfs.walker(null, ctx).restrict(resolve, start).resolve(start, path, true);
    }

    @Test
    void openat2ResolveFlagsRestrictTheWalk() {
        Dentry host = lookup("/mnt/host", true).value();
        assertThat(restricted(PathWalk.RESOLVE_BENEATH, host, "sub/../sub/file.txt").value().path()).isEqualTo("/mnt/host/sub/file.txt");
        assertThat(error(restricted(PathWalk.RESOLVE_BENEATH, host, ".."))).isEqualTo(Errno.EXDEV);
        assertThat(error(restricted(PathWalk.RESOLVE_BENEATH, host, "/etc"))).isEqualTo(Errno.EXDEV);
        assertThat(error(restricted(PathWalk.RESOLVE_BENEATH, host, "abs-escape"))).isEqualTo(Errno.EXDEV);
        // IN_ROOT: the dirfd is "/" for the walk; nothing above it is reachable.
        assertThat(restricted(PathWalk.RESOLVE_IN_ROOT, host, "/sub/file.txt").value().path()).isEqualTo("/mnt/host/sub/file.txt");
        assertThat(restricted(PathWalk.RESOLVE_IN_ROOT, host, "../../..").value().sameAs(host)).isTrue();
        assertThat(error(restricted(PathWalk.RESOLVE_IN_ROOT, host, "abs-escape/guest-only"))).isEqualTo(Errno.ENOENT);
        assertThat(error(restricted(PathWalk.RESOLVE_NO_SYMLINKS, host, "sub/deeper/up"))).isEqualTo(Errno.ELOOP);
        assertThat(error(restricted(PathWalk.RESOLVE_NO_XDEV, ctx.root(), "/mnt/host/sub"))).isEqualTo(Errno.EXDEV);
        assertThat(restricted(PathWalk.RESOLVE_NO_XDEV, ctx.root(), "/etc/guest-only").failed()).isFalse();
        // Through Vfs.open, as openat2 calls it.
        assertThat(error(vfs.open(null, ctx, host, "../../etc/guest-only", 0, 0, PathWalk.RESOLVE_BENEATH))).isEqualTo(Errno.EXDEV);
    }
}
