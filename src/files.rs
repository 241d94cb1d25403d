//! The file system, the one place that opens a workspace's files and creates files and
//! folders. A workspace comes from someone else, so:
//!
//! - **Reading.** A file of the workspace must be a regular file that resolves inside it: no
//!   symbolic link that leads out, no FIFO, device, socket or folder, no second hard link
//!   (whose other name could be anywhere), and no larger than its [`Limit`]. A file the writer
//!   names on the command line is read the same way when it lies inside the workspace; outside
//!   it, it is theirs (a pipe such as `<(pass show x)` works), still read only up to its limit.
//! - **Writing.** outcry never writes through a symbolic link it did not create: the file or
//!   folder it writes is never a link (`O_NOFOLLOW`, or created exclusively); below the
//!   workspace root no folder on the way may be a link either; every folder it creates is
//!   created one at a time and checked. Everything it creates is private to its owner, whatever
//!   the umask ([`private_umask`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::fs::{
    DirBuilderExt as _, FileTypeExt as _, MetadataExt as _, OpenOptionsExt as _,
    PermissionsExt as _,
};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use rustix::fs::{Mode, OFlags};

use crate::diag::Error;

/// The most outcry reads of one kind of file.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: u64,
    /// What the file is, for the message: "a template".
    pub what: &'static str,
}

/// Templates, partials, layouts, `campaign.toml`, config files, lists of signatories.
pub const TEXT: Limit = Limit {
    bytes: 1 << 20,
    what: "a template or settings file",
};
/// The address book.
pub const CONTACTS: Limit = Limit {
    bytes: 16 << 20,
    what: "contacts.toml",
};
/// A campaign's send journal.
pub const JOURNAL: Limit = Limit {
    bytes: 1 << 30,
    what: "a journal",
};

/// The workspace this run reads from, once found.
static FENCE: OnceLock<PathBuf> = OnceLock::new();

/// Records the workspace root (resolved): files named on the command line inside it are read
/// by its rules, and below it no symbolic link is followed when writing.
pub fn enter_workspace(root: &Path) {
    if let Ok(real) = fs::canonicalize(root) {
        let _ = FENCE.set(real);
    }
}

/// Makes every file and folder this process creates private to its owner (umask 077).
pub fn private_umask() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Reads `root/rel`, a file of the workspace (see the module's rules). `None` if there is
/// nothing there.
pub fn read_in_workspace(root: &Path, rel: &Path, limit: Limit) -> Result<Option<Vec<u8>>, Error> {
    let Some(file) = open_in_workspace(root, &root.join(rel))? else {
        return Ok(None);
    };
    read_limited(&file, limit).map(Some)
}

/// Reads a file the writer named (a flag, or their personal config): by the workspace's rules
/// when it lies inside the workspace of this run, else as it is. `None` if it does not exist.
pub fn read_named(path: &Path, limit: Limit) -> Result<Option<Vec<u8>>, Error> {
    let Some(file) = open_named(path)? else {
        return Ok(None);
    };
    read_limited(&file, limit).map(Some)
}

/// Opens a file the writer named, for reading (see [`read_named`]).
pub fn open_named(path: &Path) -> Result<Option<File>, Error> {
    if let Some(root) = FENCE.get()
        && is_inside(root, path)
    {
        return open_in_workspace(root, path);
    }
    match File::open(path) {
        Ok(f) => match f.metadata() {
            Ok(m) if m.is_dir() => Err(Error::Refused("is a folder, not a file".into())),
            _ => Ok(Some(f)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Refused(format!("cannot be read: {}", plain(&e)))),
    }
}

/// Checks that `path`, which the workspace at `root` names, is a regular file inside it of at
/// most `limit` (see [`read_in_workspace`]).
pub fn check_in_workspace(root: &Path, path: &Path, limit: Limit) -> Result<(), Error> {
    if !is_inside(root, path) {
        return Err(Error::Refused(
            "is outside the workspace: a file the workspace names must be inside it".into(),
        ));
    }
    match open_in_workspace(root, path)? {
        Some(file) => read_limited(&file, limit).map(|_| ()),
        None => Err(Error::Refused("does not exist".into())),
    }
}

/// Whether `path` (as given, relative to the current folder) lies inside `root`: its folder
/// resolved, its last part as written.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let Ok(abs) = std::path::absolute(path) else {
        return false;
    };
    let Ok(root) = fs::canonicalize(root) else {
        return abs.starts_with(root);
    };
    let real = match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => fs::canonicalize(dir).map_or(abs.clone(), |d| d.join(name)),
        _ => abs.clone(),
    };
    real.starts_with(&root) || abs.starts_with(&root)
}

/// Opens `path`, which must resolve inside `root` to a regular file with one link.
fn open_in_workspace(root: &Path, path: &Path) -> Result<Option<File>, Error> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Refused(format!("cannot be read: {}", plain(&e)))),
    };
    let real = match fs::canonicalize(path) {
        Ok(p) => p,
        Err(e) if meta.is_symlink() => {
            let to = fs::read_link(path).map(|t| crate::fields::shown_path(&t));
            return Err(Error::Refused(format!(
                "is a symbolic link to {} that cannot be followed ({})",
                to.unwrap_or_else(|_| "?".into()),
                plain(&e)
            )));
        }
        Err(e) => return Err(Error::Refused(format!("cannot be read: {}", plain(&e)))),
    };
    let root = fs::canonicalize(root)
        .map_err(|e| Error::Refused(format!("cannot read the workspace folder: {}", plain(&e))))?;
    if !real.starts_with(&root) {
        return Err(Error::Refused(format!(
            "leads outside the workspace (to {}): outcry reads only files inside it",
            crate::fields::shown_path(&real)
        )));
    }
    // Look before opening, so that opening a device has no effect; look again after.
    let before = fs::metadata(&real)
        .map_err(|e| Error::Refused(format!("cannot be read: {}", plain(&e))))?;
    check_regular(&before)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(&real)
        .map_err(|e| Error::Refused(format!("cannot be read: {}", plain(&e))))?;
    let after = file
        .metadata()
        .map_err(|e| Error::Refused(format!("cannot be read: {}", plain(&e))))?;
    check_regular(&after)?;
    if (before.dev(), before.ino()) != (after.dev(), after.ino()) {
        return Err(Error::Refused("changed while it was being opened".into()));
    }
    Ok(Some(file))
}

/// A regular file with a single name.
fn check_regular(meta: &fs::Metadata) -> Result<(), Error> {
    let t = meta.file_type();
    let kind = if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a folder")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    };
    if let Some(kind) = kind {
        return Err(Error::Refused(format!(
            "is {kind}, not a regular file: outcry reads only regular files from a workspace"
        )));
    }
    if meta.nlink() > 1 {
        return Err(Error::Refused(format!(
            "has {} hard links: outcry cannot tell where its other names are, so it reads only files with one (copy it to make it a file of its own)",
            meta.nlink()
        )));
    }
    Ok(())
}

/// Reads a file of outcry's own kept outside any workspace (the journal key): a regular file
/// with one link, never through a symbolic link at its name, up to `limit`. `None` if there
/// is nothing there.
pub fn read_own(path: &Path, limit: Limit) -> Result<Option<Vec<u8>>, Error> {
    match open_own(path)? {
        Some(file) => read_limited(&file, limit).map(Some),
        None => Ok(None),
    }
}

/// Opens a file of outcry's own for reading, as [`read_own`] reads it (for a caller that
/// reads it piece by piece). `None` if there is nothing there.
pub fn open_own(path: &Path) -> Result<Option<File>, Error> {
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(Error::Refused(
                "is a symbolic link: outcry reads its own files only where it made them".into(),
            ));
        }
        Err(e) => return Err(Error::Refused(format!("cannot be read: {}", plain(&e)))),
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::Refused(format!("cannot be read: {}", plain(&e))))?;
    if !meta.is_file() || meta.nlink() > 1 {
        return Err(Error::Refused(
            "is not a regular file with one name: outcry reads its own files only as it made them"
                .into(),
        ));
    }
    Ok(Some(file))
}

/// Reads at most `limit` bytes from where `file` stands; a longer file is refused, not cut.
pub fn read_limited(file: &File, limit: Limit) -> Result<Vec<u8>, Error> {
    let too_big = || {
        Error::Refused(format!(
            "is larger than {}, the most outcry reads of {}",
            size(limit.bytes),
            limit.what
        ))
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len > limit.bytes {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Refused(format!("cannot be read: {}", plain(&e))))?;
    if bytes.len() as u64 > limit.bytes {
        return Err(too_big());
    }
    Ok(bytes)
}

/// `1 MiB`, `16 MiB`, `512 KiB`.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// An I/O error's text without the "(os error N)" tail.
fn plain(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Checks that `path` can be written without following a symbolic link outcry did not make:
/// `path` itself is not a link, and below the workspace root no folder on the way is one.
/// Folders on the way that do not exist yet are fine (see [`create_dir_all`]).
pub fn check_write_path(path: &Path) -> Result<(), Error> {
    let abs = std::path::absolute(path)
        .map_err(|e| Error::Refused(format!("cannot tell where it is: {}", plain(&e))))?;
    let parts: Vec<Component<'_>> = abs.components().collect();
    let mut cur = PathBuf::new();
    for (i, part) in parts.iter().enumerate() {
        let name = match part {
            Component::Normal(name) => name,
            Component::ParentDir => {
                cur.pop();
                continue;
            }
            Component::CurDir => continue,
            Component::RootDir | Component::Prefix(_) => {
                cur.push(part);
                continue;
            }
        };
        let next = cur.join(name);
        let meta = match fs::symlink_metadata(&next) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(Error::Refused(format!(
                    "cannot check {}: {}",
                    crate::fields::shown_path(&next),
                    plain(&e)
                )));
            }
        };
        if meta.is_symlink() {
            let last = i + 1 == parts.len();
            let inside = FENCE.get().is_some_and(|root| cur.starts_with(root));
            if last || inside {
                let to = fs::read_link(&next)
                    .map(|t| format!(" (to {})", crate::fields::shown_path(&t)));
                return Err(Error::Refused(format!(
                    "{} is a symbolic link{}: outcry does not write through a link it did not create",
                    crate::fields::shown_path(&next),
                    to.unwrap_or_default()
                )));
            }
            cur = fs::canonicalize(&next).map_err(|e| {
                Error::Refused(format!(
                    "cannot follow {}: {}",
                    crate::fields::shown_path(&next),
                    plain(&e)
                ))
            })?;
        } else {
            cur = next;
        }
    }
    Ok(())
}

/// Creates `dir` and its missing parents, each private (0700), after [`check_write_path`].
/// An existing `dir` must be a real folder.
pub fn create_dir_all(dir: &Path) -> Result<(), Error> {
    check_write_path(dir)?;
    let abs = std::path::absolute(dir)
        .map_err(|e| Error::Refused(format!("cannot tell where it is: {}", plain(&e))))?;
    let mut missing = Vec::new();
    let mut cur = abs.as_path();
    loop {
        match fs::symlink_metadata(cur) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return Err(Error::Refused(format!(
                    "{} exists and is not a folder",
                    crate::fields::shown_path(cur)
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(cur.to_path_buf()),
            Err(e) => {
                return Err(Error::Refused(format!(
                    "cannot check {}: {}",
                    crate::fields::shown_path(cur),
                    plain(&e)
                )));
            }
        }
        match cur.parent() {
            Some(p) => cur = p,
            None => break,
        }
    }
    for d in missing.iter().rev() {
        match fs::DirBuilder::new().mode(0o700).create(d) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // Made meanwhile by someone else: it must still be a real folder.
                let real_dir = fs::symlink_metadata(d).is_ok_and(|m| m.is_dir());
                if !real_dir {
                    return Err(Error::Refused(format!(
                        "{} appeared meanwhile and is not a folder",
                        crate::fields::shown_path(d)
                    )));
                }
            }
            Err(e) => {
                return Err(Error::Refused(format!(
                    "cannot create {}: {}",
                    crate::fields::shown_path(d),
                    plain(&e)
                )));
            }
        }
    }
    Ok(())
}

/// Options for opening a file to write without following a link at its name, private (0600)
/// if created, and without waiting on a FIFO. Call [`check_write_path`] (or
/// [`create_dir_all`] on its folder) first, and [`check_written`] on the file opened.
pub fn write_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    opts.write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NOCTTY | libc::O_NONBLOCK);
    opts
}

/// Checks that a file opened with [`write_options`] is a regular file (not a FIFO or device
/// that was waiting at its name) with one name (no hard link elsewhere that the write would
/// change too). `shown` names it in the message.
pub fn check_written(file: &File, shown: &Path) -> Result<(), Error> {
    let meta = file.metadata().map_err(|e| {
        Error::Refused(format!(
            "cannot check {}: {}",
            crate::fields::shown_path(shown),
            plain(&e)
        ))
    })?;
    if !meta.is_file() {
        Err(Error::Refused(format!(
            "{} is not a regular file: outcry writes only to files it can append to safely",
            crate::fields::shown_path(shown)
        )))
    } else if meta.nlink() > 1 {
        Err(Error::Refused(format!(
            "{} has {} hard links: outcry writes only to a file with one name (its other names could be anywhere)",
            crate::fields::shown_path(shown),
            meta.nlink()
        )))
    } else {
        Ok(())
    }
}

/// Takes away what others may do with a file or folder that outcry writes letters into and
/// did not create (an mbox or drafts folder that came with the workspace, say).
pub fn make_private(path: &Path) -> Result<(), Error> {
    let meta = fs::symlink_metadata(path).map_err(|e| {
        Error::Refused(format!(
            "cannot check {}: {}",
            crate::fields::shown_path(path),
            plain(&e)
        ))
    })?;
    let mode = meta.permissions().mode();
    let others = mode & 0o077;
    if others == 0 {
        return Ok(());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700)).map_err(|e| {
        Error::Refused(format!(
            "cannot make {} private: {}",
            crate::fields::shown_path(path),
            plain(&e)
        ))
    })
}

/// Opens the folder `path` itself, never a symbolic link at its name, so that files can be
/// created, renamed and removed inside it by name alone ([`create_in`]): once open, nothing
/// swapped in at `path` or above it changes where they go. Call [`check_write_path`] first.
pub fn open_folder(path: &Path) -> io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Creates the file `name` in the open folder `dir`, for writing: exclusively (never an
/// existing file, never through a link), private (0600), as `cp` creates a copy.
pub fn create_in(dir: BorrowedFd<'_>, name: &str) -> io::Result<File> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    Ok(File::from(fd))
}

/// Whether anything, even a dangling link, is at `path`.
pub fn taken(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(16 << 20), "16 MiB");
        assert_eq!(size(5000), "4 KiB");
    }

    #[test]
    fn workspace_files_must_be_regular_and_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("ok.hbs"), "hello").unwrap();
        fs::write(dir.path().join("secret"), "password").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("out.hbs")).unwrap();
        std::os::unix::fs::symlink("ok.hbs", root.join("in.hbs")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.hbs")).unwrap();
        fs::create_dir(root.join("dir.hbs")).unwrap();
        let read = |name: &str| read_in_workspace(&root, Path::new(name), TEXT);
        assert_eq!(read("ok.hbs").unwrap().unwrap(), b"hello");
        assert_eq!(read("in.hbs").unwrap().unwrap(), b"hello");
        assert_eq!(read("none.hbs").unwrap(), None);
        assert!(
            read("out.hbs")
                .unwrap_err()
                .to_string()
                .starts_with("leads outside the workspace")
        );
        assert!(
            read("zero.hbs")
                .unwrap_err()
                .to_string()
                .starts_with("leads outside the workspace")
        );
        assert!(
            read("dir.hbs")
                .unwrap_err()
                .to_string()
                .starts_with("is a folder")
        );
        fs::hard_link(root.join("ok.hbs"), root.join("twice.hbs")).unwrap();
        assert!(
            read("twice.hbs")
                .unwrap_err()
                .to_string()
                .starts_with("has 2 hard links")
        );
    }

    #[test]
    fn limits_refuse_instead_of_cutting() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("big"), vec![b'a'; 2000]).unwrap();
        let small = Limit {
            bytes: 1000,
            what: "a test file",
        };
        let e = read_in_workspace(dir.path(), Path::new("big"), small).unwrap_err();
        assert_eq!(
            e.to_string(),
            "is larger than 1000 bytes, the most outcry reads of a test file"
        );
    }
}
