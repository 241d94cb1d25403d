//! outcry in a pseudo-terminal, driven by keystrokes as a person would, with the screen read
//! back through a terminal emulator (vt100) for assertions and snapshots.

use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use crate::{Case, Run};

const ROWS: u16 = 40;
const COLS: u16 = 110;
/// How long a screen may take to show what a test waits for (a debug build on a busy machine).
const PATIENCE: Duration = Duration::from_secs(60);

pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ESC: &str = "\x1b";
pub const CTRL_C: &str = "\x03";

pub struct Terminal {
    screen: Arc<Mutex<vt100::Parser>>,
    transcript: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn std::io::Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    reader: Option<std::thread::JoinHandle<()>>,
    case: Option<Case>,
}

impl Case {
    /// Starts outcry with these arguments in a 110×40 pseudo-terminal. `stty -echo` runs
    /// first so that keys typed while outcry is between two reads are not echoed by the
    /// terminal driver (outcry draws every answer itself).
    pub fn terminal<I: IntoIterator<Item = S>, S: AsRef<str>>(self, args: I) -> Terminal {
        let home = self.path().join(".home");
        std::fs::create_dir_all(&home).expect("home");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new("sh");
        cmd.arg("-c");
        cmd.arg("stty -echo && exec \"$0\" \"$@\"");
        cmd.arg(env!("CARGO_BIN_EXE_outcry"));
        for a in args {
            cmd.arg(a.as_ref());
        }
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.cwd(self.path());
        for (k, v) in self.env_vars() {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn outcry");
        drop(pty.slave);
        let mut output = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).expect("rows"),
            std::num::NonZeroU16::new(COLS).expect("cols"),
            0,
        )));
        let transcript = Arc::new(Mutex::new(Vec::new()));
        let (s, t) = (screen.clone(), transcript.clone());
        // The master must stay open while the child runs: it is moved into the thread.
        let master = pty.master;
        let reader = std::thread::spawn(move || {
            let _master = master;
            let mut buf = [0u8; 4096];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().expect("screen").process(&buf[..n]);
                t.lock().expect("transcript").extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            screen,
            transcript,
            writer,
            child,
            reader: Some(reader),
            case: Some(self),
        }
    }
}

impl Terminal {
    /// The screen as text, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let contents = self.screen.lock().expect("screen").screen().contents();
        let lines: Vec<&str> = contents.lines().map(str::trim_end).collect();
        let mut text = lines.join("\n");
        text.truncate(text.trim_end().len());
        text
    }

    /// The screen once it has stopped changing: a question's prompt line can be drawn before
    /// its items (dialoguer writes them in several writes), so the text a test waits for is
    /// not the end of a drawing on a busy machine.
    fn settled(&self) -> String {
        let start = Instant::now();
        let mut last = self.screen();
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let now = self.screen();
            if now == last || start.elapsed() > PATIENCE {
                return now;
            }
            last = now;
        }
    }

    /// The screen for a snapshot, once settled: the workspace's temporary path as `[ws]`, the
    /// machine's clock's times (journal records) as `[TIME]`.
    pub fn snapshot(&self) -> String {
        let root = self
            .case
            .as_ref()
            .expect("running")
            .path()
            .display()
            .to_string();
        crate::redact_times(&self.settled().replace(&root, "[ws]"))
    }

    /// Waits until the screen shows `text`.
    #[track_caller]
    pub fn wait_for(&mut self, text: &str) -> &mut Terminal {
        let start = Instant::now();
        loop {
            if self.screen().contains(text) {
                return self;
            }
            if start.elapsed() > PATIENCE || self.exited() {
                // One last look: the final output may have arrived with the exit.
                std::thread::sleep(Duration::from_millis(200));
                assert!(
                    self.screen().contains(text),
                    "the screen never showed {text:?}:\n{}",
                    self.screen()
                );
                return self;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Presses keys (a string, or one of `DOWN`, `UP`, `ESC`, `CTRL_C`), pausing after each so that
    /// outcry reads them one by one.
    pub fn keys(&mut self, keys: &[&str]) -> &mut Terminal {
        for k in keys {
            self.writer.write_all(k.as_bytes()).expect("type");
            self.writer.flush().expect("type");
            std::thread::sleep(Duration::from_millis(60));
        }
        self
    }

    /// Types a line of text and presses enter.
    pub fn line(&mut self, text: &str) -> &mut Terminal {
        for c in text.chars() {
            self.keys(&[&c.to_string()]);
        }
        self.keys(&["\r"])
    }

    /// Clears a prefilled answer (backspace over it), types `text` and presses enter.
    pub fn replace_line(&mut self, old: &str, text: &str) -> &mut Terminal {
        let back = vec!["\x7f"; old.chars().count()];
        self.keys(&back);
        self.line(text)
    }

    /// Waits for outcry to end; what it printed is the run's stdout, the workspace its root.
    #[track_caller]
    pub fn finish(&mut self) -> Run {
        let start = Instant::now();
        let status = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("outcry did not end; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let transcript = String::from_utf8_lossy(&self.transcript.lock().expect("t")).into_owned();
        let case = self.case.take().expect("finished once");
        let mut run = case.run_nothing();
        run.code = i32::try_from(status.exit_code()).unwrap_or(-1);
        if !status.success() && status.signal().is_some() {
            run.code = -1;
        }
        run.stdout = transcript;
        // What a person saw is checked through the screen (`wait_for`, `screen`, snapshots);
        // the transcript holds stderr too, with every escape sequence outcry drew.
        run.stdout_unchecked("a terminal session: checked through its screens")
            .stderr_unchecked("a terminal has no separate stderr: it is on the screen")
    }
}
