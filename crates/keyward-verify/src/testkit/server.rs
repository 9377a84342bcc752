//! A small HTTP/1.1 server on 127.0.0.1 that plays scripted answers and
//! records what it received. std only, so what reaches it is exactly what
//! the client wrote on the wire.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `len` bytes announced; `sent` written, then the server stalls for
    /// `stall` before writing the rest.
    Huge {
        len: usize,
        sent: usize,
        stall: Duration,
    },
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Bytes(body.into()),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as received.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub method: String,
    pub target: String,
    /// Names lowercased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Answer the scripted replies in order; the last one repeats.
    pub fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            for (count, stream) in listener.incoming().flatten().enumerate() {
                let reply = replies[count.min(replies.len() - 1)].clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &reply, &log));
            }
        });
        Server { base, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, reply: &Reply, log: &Mutex<Vec<Received>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let mut request = Received {
        method: parts.next().unwrap_or_default().to_string(),
        target: parts.next().unwrap_or_default().to_string(),
        ..Received::default()
    };
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            request
                .headers
                .push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_ok() {
        request.body = body;
    }
    log.lock().unwrap().push(request);
    let mut stream = stream;
    let len = match &reply.body {
        Body::Bytes(bytes) => bytes.len(),
        Body::Huge { len, .. } => *len,
    };
    let mut head = format!("HTTP/1.1 {} Scripted\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {len}\r\nconnection: close\r\n\r\n"
    ));
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    match &reply.body {
        Body::Bytes(bytes) => {
            let _ = stream.write_all(bytes);
        }
        Body::Huge { len, sent, stall } => {
            let chunk = vec![b' '; 64 << 10];
            let mut written = 0;
            while written < *len {
                if written >= *sent {
                    std::thread::sleep(*stall);
                }
                let n = chunk.len().min(len - written);
                if stream.write_all(&chunk[..n]).is_err() {
                    return;
                }
                written += n;
            }
        }
    }
}
