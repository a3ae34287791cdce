package dev.emu.kernel.vfs.bpffs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.Inode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BPF filesystem's directory operations and the lifetime of a pin (kernel/bpf/inode.c). */
class BpfFilesystemTest {
    private final BpfFilesystem fs = new BpfFilesystem(42, () -> 1_000L);
    private final BpfFsDirectory root = (BpfFsDirectory) fs.root();
    private final List<String> released = new ArrayList<>();

    private BpfFsObject.Pinned pin(String what) {
        return new BpfFsObject.Pinned() {
            @Override
            public Object target() {
                return what;
            }

            @Override
            public void unpinned() {
                released.add(what);
            }
        };
    }

    @Test
    void rootIsStickyWorldWritableAndStatfsSaysBpf() {
        assertThat(root.attributes().mode()).isEqualTo(FileStat.S_IFDIR | 01777);
        assertThat(fs.statfs().type()).isEqualTo(0xcafe4a11L);
        assertThat(fs.type()).isEqualTo("bpf");
    }

    @Test
    void aPinLivesUntilItsLastName() {
        Inode o = root.pin("counts", 0600, pin("map 1"));
        assertThat(o.attributes().mode()).isEqualTo(FileStat.S_IFREG | 0600);
        assertThat(root.lookup("counts").value()).isSameAs(o);
        assertThat(((BpfFsObject) o).target()).isEqualTo("map 1");
        assertThat(root.link("again", o)).isZero();
        assertThat(o.attributes().nlink()).isEqualTo(2);
        assertThat(root.unlink("counts")).isZero();
        assertThat(released).isEmpty();
        assertThat(root.rename("again", root, "moved", false)).isZero();
        assertThat(root.unlink("moved")).isZero();
        assertThat(released).containsExactly("map 1");
        assertThat(root.unlink("moved")).isEqualTo(Errno.ENOENT.ret());
    }

    @Test
    void renamingOverAPinReleasesIt() {
        root.pin("a", 0600, pin("prog 1"));
        root.pin("b", 0600, pin("prog 2"));
        assertThat(root.rename("a", root, "b", false)).isZero();
        assertThat(released).containsExactly("prog 2");
        assertThat(root.list().value()).extracting(e -> e.name()).containsExactly("b");
    }

    @Test
    void directoriesButNoPlainFilesOrNodes() {
        BpfFsDirectory d = (BpfFsDirectory) root.mkdir("tool", FileStat.S_IFDIR | 0700).value();
        assertThat(root.attributes().nlink()).isEqualTo(3);
        d.pin("x", 0600, pin("map 2"));
        assertThat(root.rmdir("tool")).isEqualTo(Errno.ENOTEMPTY.ret());
        assertThat(d.unlink("x")).isZero();
        assertThat(root.rmdir("tool")).isZero();
        assertThat(root.create("file", FileStat.S_IFREG | 0644).error()).isEqualTo(Errno.EACCES);
        assertThat(root.mknod("fifo", FileStat.S_IFIFO | 0644, 0).error()).isEqualTo(Errno.EPERM);
        assertThat(released).containsExactly("map 2");
    }
}
