//! Reads `docker-compose.yml` and the `Dockerfile` the way Docker would, so tests can check them
//! against the services' own configuration. CI has no Docker engine: without these checks the two
//! files could drift from the code and nobody would notice until `docker compose up` failed.
//!
//! What is modelled, and how:
//! - YAML anchors, aliases and `<<:` merge keys are resolved (`yaml_serde`'s `apply_merge`), then
//!   `${VAR}` interpolation is applied to every value as on a fresh clone: no `.env` beside the
//!   compose file and no variables from the shell, so `${VAR:-default}` gives the default and an
//!   unset `${VAR}` gives "" (as `docker compose` does, with a warning); `${VAR:?message}` is an error.
//! - A service's environment in either form (mapping or `KEY=VALUE` list); a key without a value
//!   passes the host's variable through, which a fresh clone does not have, so it counts as unset.
//!   `env_file` and `extends` are refused rather than ignored.
//! - The Dockerfile's final stage is evaluated with a service's build args: `ARG`/`ENV`
//!   substitution, `EXPOSE`, `USER`, `HEALTHCHECK`, `ENTRYPOINT`, `CMD`, `COPY`, `RUN`.
//!   Heredocs and the `# escape=` directive are not supported (the file uses neither).
//!
//! Everything here panics with a message naming the file and the key when the file does not have
//! the expected shape: these are test helpers, and a panic is how a test reports that.

pub mod checks;
pub mod suite;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yaml_serde::{Mapping, Value};

/// The compose file `docker compose up --build` reads on a fresh clone.
pub const COMPOSE_FILE: &str = "docker-compose.yml";

/// Files that `docker compose` would read instead of, or on top of, [`COMPOSE_FILE`].
const SHADOWING_FILES: [&str; 2] = ["compose.yaml", "compose.yml"];
const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("test-support lives one level below the workspace root")
        .to_path_buf()
}

/// A file of the repository, read as text; `relative` is from the workspace root.
pub fn read_workspace_file(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The parsed compose file, merge keys applied and values interpolated.
#[derive(Debug, Clone)]
pub struct Compose {
    path: PathBuf,
    services: Mapping,
}

impl Compose {
    /// Loads the repository's `docker-compose.yml`. Panics when it cannot be read or parsed, or
    /// when another compose file in the root would change what `docker compose` runs.
    pub fn load() -> Self {
        let root = workspace_root();
        for name in SHADOWING_FILES {
            assert!(
                !root.join(name).exists(),
                "`docker compose` reads {name} before {COMPOSE_FILE}; keep one compose file \
                 (this check reads {COMPOSE_FILE})"
            );
        }
        for name in OVERRIDE_FILES {
            assert!(
                !root.join(name).exists(),
                "`docker compose` merges {name} into {COMPOSE_FILE}, which this check does not \
                 read; fold it into {COMPOSE_FILE} or teach test_support::compose to merge it"
            );
        }
        let path = root.join(COMPOSE_FILE);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Self::parse(&text, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Parses compose YAML; `path` is where it lives (relative paths in it resolve from its
    /// directory).
    pub fn parse(text: &str, path: &Path) -> Result<Self, String> {
        let mut doc: Value = yaml_serde::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
        doc.apply_merge()
            .map_err(|e| format!("bad `<<` merge key: {e}"))?;
        interpolate_tree(&mut doc, "")?;
        let services = match doc.get("services") {
            Some(Value::Mapping(services)) => services.clone(),
            _ => return Err("no `services:` mapping".into()),
        };
        Ok(Self {
            path: path.to_path_buf(),
            services,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory relative paths in the file resolve from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn service_names(&self) -> Vec<String> {
        self.services
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect()
    }

    /// The block `services.<name>`; panics when there is none.
    pub fn service(&self, name: &str) -> Service {
        let block = self.services.get(name).unwrap_or_else(|| {
            panic!(
                "{}: no service `{name}` under `services:` (found: {})",
                self.path.display(),
                self.service_names().join(", ")
            )
        });
        let map = block
            .as_mapping()
            .cloned()
            .unwrap_or_else(|| panic!("{}: services.{name} is not a mapping", self.path.display()));
        let service = Service {
            name: name.to_owned(),
            file: self.path.clone(),
            dir: self.dir().to_path_buf(),
            map,
        };
        for unsupported in ["env_file", "extends"] {
            if service.map.contains_key(unsupported) {
                service.fail(
                    unsupported,
                    "is not read by this check: put the values in the service block, or teach \
                     test_support::compose to read it",
                );
            }
        }
        service
    }

    /// The environment a container of `name` starts with: the `ENV` of its image (the Dockerfile
    /// evaluated with the service's build args), overridden by the compose `environment`.
    pub fn container_environment(&self, name: &str) -> BTreeMap<String, String> {
        let service = self.service(name);
        let mut env = service.dockerfile().image(&service.build_args()).env;
        env.extend(service.environment());
        env
    }
}

/// One block under `services:`.
#[derive(Debug, Clone)]
pub struct Service {
    name: String,
    file: PathBuf,
    dir: PathBuf,
    map: Mapping,
}

/// One entry of `ports:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub host_ip: Option<String>,
    /// The host side; `None` when Docker picks a free port.
    pub published: Option<u16>,
    /// The container side.
    pub target: u16,
    pub protocol: String,
}

/// What a healthcheck runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthTest {
    /// `["CMD", ...]` in compose, `CMD ["...", ...]` in a Dockerfile: run directly, no shell.
    Exec(Vec<String>),
    /// `["CMD-SHELL", "..."]` or a plain string: run through `/bin/sh -c`.
    Shell(String),
    /// `["NONE"]`, `disable: true`, `HEALTHCHECK NONE`.
    Disabled,
    /// A compose healthcheck without `test`: the image's applies.
    Inherited,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    pub test: HealthTest,
    /// Everything else (`interval`, `timeout`, `retries`, ...), as written.
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// A host path (bind mount), a volume name, or `None` for an anonymous volume.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub bind: bool,
}

impl Service {
    pub fn name(&self) -> &str {
        &self.name
    }

    fn fail(&self, key: &str, what: &str) -> ! {
        panic!(
            "{}: services.{}.{key} {what}",
            self.file.display(),
            self.name
        )
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    pub fn image(&self) -> Option<String> {
        self.get("image")
            .map(|v| scalar(v).unwrap_or_else(|| self.fail("image", "is not a string")))
    }

    /// The `environment` block, merge keys applied; variables without a value (taken from the
    /// host's shell) are left out, as a fresh clone does not have them.
    pub fn environment(&self) -> BTreeMap<String, String> {
        match self.get("environment") {
            None => BTreeMap::new(),
            Some(value) => key_values(value).unwrap_or_else(|e| self.fail("environment", &e)),
        }
    }

    /// `build.args` (mapping or list form).
    pub fn build_args(&self) -> BTreeMap<String, String> {
        match self.get("build") {
            Some(Value::Mapping(build)) => match build.get("args") {
                None => BTreeMap::new(),
                Some(args) => key_values(args).unwrap_or_else(|e| self.fail("build.args", &e)),
            },
            Some(Value::String(_)) => BTreeMap::new(),
            None => self.fail(
                "build",
                "is missing: the service is not built from this repository",
            ),
            Some(_) => self.fail("build", "is neither a path nor a mapping"),
        }
    }

    /// The build context, resolved from the compose file's directory.
    pub fn build_context(&self) -> PathBuf {
        let context = match self.get("build") {
            Some(Value::String(context)) => context.clone(),
            Some(Value::Mapping(build)) => match build.get("context") {
                None => ".".to_owned(),
                Some(v) => {
                    scalar(v).unwrap_or_else(|| self.fail("build.context", "is not a string"))
                }
            },
            _ => self.fail("build", "is missing or malformed"),
        };
        clean(&self.dir.join(context))
    }

    /// The Dockerfile this service is built from (`build.dockerfile`, default `Dockerfile` in the
    /// context).
    pub fn dockerfile_path(&self) -> PathBuf {
        let name = match self.get("build") {
            Some(Value::Mapping(build)) => build.get("dockerfile").map(|v| {
                scalar(v).unwrap_or_else(|| self.fail("build.dockerfile", "is not a string"))
            }),
            _ => None,
        };
        self.build_context()
            .join(name.unwrap_or_else(|| "Dockerfile".to_owned()))
    }

    pub fn dockerfile(&self) -> Dockerfile {
        Dockerfile::load(&self.dockerfile_path())
    }

    /// `ports:` in short (`"[ip:][host:]container[/proto]"`) or long syntax.
    pub fn ports(&self) -> Vec<PortMapping> {
        let Some(ports) = self.get("ports") else {
            return Vec::new();
        };
        let Value::Sequence(ports) = ports else {
            self.fail("ports", "is not a list")
        };
        ports
            .iter()
            .map(|port| parse_port(port).unwrap_or_else(|e| self.fail("ports", &e)))
            .collect()
    }

    /// The container side of the one port the service publishes.
    pub fn container_port(&self) -> u16 {
        match self.ports().as_slice() {
            [one] => one.target,
            other => self.fail(
                "ports",
                &format!("should publish exactly one port, found {}", other.len()),
            ),
        }
    }

    pub fn healthcheck(&self) -> Option<Healthcheck> {
        let value = self.get("healthcheck")?;
        let Value::Mapping(map) = value else {
            self.fail("healthcheck", "is not a mapping")
        };
        let mut options = BTreeMap::new();
        let mut test = HealthTest::Inherited;
        for (key, value) in map {
            let key = key
                .as_str()
                .unwrap_or_else(|| self.fail("healthcheck", "has a non-string key"));
            match key {
                "test" => {
                    test = compose_health_test(value)
                        .unwrap_or_else(|e| self.fail("healthcheck.test", &e))
                }
                "disable" => {}
                _ => {
                    let text = scalar(value).unwrap_or_else(|| {
                        self.fail(&format!("healthcheck.{key}"), "is not a scalar")
                    });
                    options.insert(key.to_owned(), text);
                }
            }
        }
        if map.get("disable").and_then(Value::as_bool) == Some(true) {
            test = HealthTest::Disabled;
        }
        Some(Healthcheck { test, options })
    }

    /// `depends_on`: service name -> condition (`service_started` for the list form).
    pub fn depends_on(&self) -> BTreeMap<String, String> {
        match self.get("depends_on") {
            None => BTreeMap::new(),
            Some(Value::Sequence(names)) => names
                .iter()
                .map(|n| {
                    let name =
                        scalar(n).unwrap_or_else(|| self.fail("depends_on", "has a non-string"));
                    (name, "service_started".to_owned())
                })
                .collect(),
            Some(Value::Mapping(map)) => map
                .iter()
                .map(|(name, spec)| {
                    let name =
                        scalar(name).unwrap_or_else(|| self.fail("depends_on", "has a bad key"));
                    let condition = spec
                        .get("condition")
                        .and_then(scalar)
                        .unwrap_or_else(|| "service_started".to_owned());
                    (name, condition)
                })
                .collect(),
            Some(_) => self.fail("depends_on", "is neither a list nor a mapping"),
        }
    }

    pub fn restart(&self) -> Option<String> {
        self.get("restart")
            .map(|v| scalar(v).unwrap_or_else(|| self.fail("restart", "is not a string")))
    }

    /// `stop_grace_period:` as written (`40s`), if set.
    pub fn stop_grace_period(&self) -> Option<String> {
        self.get("stop_grace_period")
            .map(|v| scalar(v).unwrap_or_else(|| self.fail("stop_grace_period", "is not a string")))
    }

    /// `volumes:` in short (`source:target[:ro]`) or long syntax.
    pub fn volumes(&self) -> Vec<Volume> {
        let Some(volumes) = self.get("volumes") else {
            return Vec::new();
        };
        let Value::Sequence(volumes) = volumes else {
            self.fail("volumes", "is not a list")
        };
        volumes
            .iter()
            .map(|v| parse_volume(v).unwrap_or_else(|e| self.fail("volumes", &e)))
            .collect()
    }

    /// The host directory bind-mounted at `target` in the container, resolved from the compose
    /// file's directory; `None` when nothing is bind-mounted there.
    pub fn bind_mount_at(&self, target: &str) -> Option<PathBuf> {
        let target = target.trim_end_matches('/');
        self.volumes()
            .into_iter()
            .find(|v| v.bind && v.target.trim_end_matches('/') == target)
            .and_then(|v| v.source)
            .map(|source| clean(&self.dir.join(source)))
    }
}

/// `a/./b` -> `a/b`, for paths in messages.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// A scalar as the string Docker sees: numbers and booleans as written, `null` as `None`.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `KEY: value` mapping or `- KEY=value` list; keys without a value are left out.
fn key_values(value: &Value) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = scalar(key).ok_or("has a non-string key")?;
                match value {
                    Value::Null => {}
                    other => {
                        let text = scalar(other)
                            .ok_or_else(|| format!("{key} is not a string, number or boolean"))?;
                        out.insert(key, text);
                    }
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                let item = item.as_str().ok_or("has an entry that is not KEY=VALUE")?;
                if let Some((key, value)) = item.split_once('=') {
                    out.insert(key.to_owned(), value.to_owned());
                }
            }
        }
        _ => return Err("is neither a mapping nor a list".into()),
    }
    Ok(out)
}

fn parse_port(value: &Value) -> Result<PortMapping, String> {
    if let Value::Mapping(map) = value {
        let number = |key: &str| -> Result<Option<u16>, String> {
            map.get(key)
                .and_then(scalar)
                .map(|s| {
                    s.parse::<u16>()
                        .map_err(|_| format!("{key}: {s:?} is not a port number"))
                })
                .transpose()
        };
        return Ok(PortMapping {
            host_ip: map.get("host_ip").and_then(scalar),
            published: number("published")?,
            target: number("target")?.ok_or("long syntax without `target`")?,
            protocol: map
                .get("protocol")
                .and_then(scalar)
                .unwrap_or_else(|| "tcp".to_owned()),
        });
    }
    let text = scalar(value).ok_or("an entry is neither a string nor a mapping")?;
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((spec, protocol)) => (spec.to_owned(), protocol.to_owned()),
        None => (text.clone(), "tcp".to_owned()),
    };
    let (host_ip, rest) = match spec.strip_prefix('[') {
        Some(bracketed) => {
            let (ip, rest) = bracketed
                .split_once("]:")
                .ok_or_else(|| format!("{text:?}: bad IPv6 host"))?;
            (Some(ip.to_owned()), rest.to_owned())
        }
        None => (None, spec),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, published, target) = match parts.as_slice() {
        [target] => (None, None, *target),
        [published, target] => (None, Some(*published), *target),
        [ip, published, target] => (Some((*ip).to_owned()), Some(*published), *target),
        _ => return Err(format!("{text:?} is not [ip:][host:]container[/protocol]")),
    };
    let port = |s: &str| -> Result<u16, String> {
        s.parse::<u16>().map_err(|_| {
            format!("{text:?}: {s:?} is not a single port number (ranges are not supported here)")
        })
    };
    Ok(PortMapping {
        host_ip: host_ip.or(ip),
        published: published.filter(|p| !p.is_empty()).map(port).transpose()?,
        target: port(target)?,
        protocol,
    })
}

fn compose_health_test(value: &Value) -> Result<HealthTest, String> {
    match value {
        Value::String(command) => Ok(HealthTest::Shell(command.clone())),
        Value::Sequence(items) => {
            let words: Vec<String> = items
                .iter()
                .map(|v| scalar(v).ok_or("has an entry that is not a string"))
                .collect::<Result<_, _>>()?;
            match words.split_first() {
                Some((kind, rest)) if kind == "CMD" => Ok(HealthTest::Exec(rest.to_vec())),
                Some((kind, rest)) if kind == "CMD-SHELL" => Ok(HealthTest::Shell(rest.join(" "))),
                Some((kind, _)) if kind == "NONE" => Ok(HealthTest::Disabled),
                _ => Err("a list must start with CMD, CMD-SHELL or NONE".into()),
            }
        }
        _ => Err("is neither a string nor a list".into()),
    }
}

fn parse_volume(value: &Value) -> Result<Volume, String> {
    if let Value::Mapping(map) = value {
        let kind = map.get("type").and_then(scalar).unwrap_or_default();
        return Ok(Volume {
            source: map.get("source").and_then(scalar),
            target: map
                .get("target")
                .and_then(scalar)
                .ok_or("long syntax without `target`")?,
            read_only: map.get("read_only").and_then(Value::as_bool) == Some(true),
            bind: kind == "bind",
        });
    }
    let text = scalar(value).ok_or("an entry is neither a string nor a mapping")?;
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, mode] => (Some(*source), *target, *mode),
        _ => return Err(format!("{text:?} is not source:target[:mode]")),
    };
    Ok(Volume {
        bind: source.is_some_and(|s| s.starts_with(['.', '/', '~'])),
        source: source.map(str::to_owned),
        target: target.to_owned(),
        read_only: mode.split(',').any(|m| m == "ro"),
    })
}

/// Applies compose interpolation to every string value (not to keys), as on a fresh clone.
fn interpolate_tree(value: &mut Value, at: &str) -> Result<(), String> {
    match value {
        Value::String(s) => {
            *s = substitute(s, &|_| None, Syntax::Compose).map_err(|e| format!("{at}: {e}"))?;
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                interpolate_tree(item, &format!("{at}[{i}]"))?;
            }
        }
        Value::Mapping(map) => {
            for (key, item) in map.iter_mut() {
                let key = key.as_str().unwrap_or("?");
                let path = if at.is_empty() {
                    key.to_owned()
                } else {
                    format!("{at}.{key}")
                };
                interpolate_tree(item, &path)?;
            }
        }
        Value::Tagged(tagged) => interpolate_tree(&mut tagged.value, at)?,
        _ => {}
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `$$` is a literal `$`.
    Compose,
    /// `\$` is a literal `$`.
    Dockerfile,
}

/// `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}`,
/// `${NAME:?error}`, `${NAME?error}`. Unset variables without a default become "".
fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    syntax: Syntax,
) -> Result<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if syntax == Syntax::Dockerfile && c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') if syntax == Syntax::Compose => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                let mut depth = 1;
                let mut end = i + 2;
                while end < chars.len() {
                    match chars[end] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    end += 1;
                }
                if end >= chars.len() {
                    return Err(format!("unclosed `${{` in {text:?}"));
                }
                let inner: String = chars[i + 2..end].iter().collect();
                out.push_str(&expand_braced(&inner, lookup, syntax)?);
                i = end + 1;
            }
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => {
                let mut end = i + 1;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                let name: String = chars[i + 1..end].iter().collect();
                out.push_str(&lookup(&name).unwrap_or_default());
                i = end;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

fn expand_braced(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    syntax: Syntax,
) -> Result<String, String> {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    if name.is_empty() {
        return Err(format!("`${{{inner}}}` has no variable name"));
    }
    let value = lookup(name);
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let word = |w: &str| substitute(w, lookup, syntax);
    let (op, arg) = if let Some(arg) = rest.strip_prefix(":-") {
        (":-", arg)
    } else if let Some(arg) = rest.strip_prefix(":+") {
        (":+", arg)
    } else if let Some(arg) = rest.strip_prefix(":?") {
        (":?", arg)
    } else if rest.is_empty() {
        ("", "")
    } else {
        rest.split_at(rest.chars().next().map_or(0, char::len_utf8))
    };
    match op {
        "" => Ok(value.unwrap_or_default()),
        ":-" if non_empty => Ok(value.unwrap_or_default()),
        ":-" => word(arg),
        "-" if set => Ok(value.unwrap_or_default()),
        "-" => word(arg),
        ":+" if non_empty => word(arg),
        "+" if set => word(arg),
        ":+" | "+" => Ok(String::new()),
        ":?" if non_empty => Ok(value.unwrap_or_default()),
        "?" if set => Ok(value.unwrap_or_default()),
        ":?" | "?" => Err(format!(
            "`${{{inner}}}` requires {name} from the host, which a fresh clone does not set"
        )),
        _ => Err(format!("`${{{inner}}}`: unknown operator {rest:?}")),
    }
}

/// Splits shell-like words as the Dockerfile parser does for `ENV`, `ARG`, `EXPOSE` and friends:
/// quotes group and are removed; `$VAR` is substituted outside single quotes.
fn words(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut raw = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let flush = |raw: &mut String, word: &mut String| -> Result<(), String> {
        word.push_str(&substitute(raw, lookup, Syntax::Dockerfile)?);
        raw.clear();
        Ok(())
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if in_word {
                    flush(&mut raw, &mut word)?;
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, '\'') | (None, '"') => {
                flush(&mut raw, &mut word)?;
                quote = Some(c);
                in_word = true;
            }
            (Some('\''), '\'') => {
                word.push_str(&raw);
                raw.clear();
                quote = None;
            }
            (Some('"'), '"') => {
                flush(&mut raw, &mut word)?;
                quote = None;
            }
            (Some('\''), c) => raw.push(c),
            (_, '\\') => {
                in_word = true;
                match chars.next() {
                    Some('$') => raw.push_str("\\$"),
                    Some(next) => raw.push(next),
                    None => {}
                }
            }
            (_, c) => {
                raw.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("unclosed quote in {text:?}"));
    }
    if in_word {
        flush(&mut raw, &mut word)?;
        out.push(word);
    }
    Ok(out)
}

/// `postgres://user:password@host:port/database`, split into its parts (percent-encoding kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    pub user: String,
    pub password: Option<String>,
    pub host: String,
    /// `None` when the URL leaves the port out (PostgreSQL's default, 5432).
    pub port: Option<u16>,
    pub database: String,
}

impl PostgresUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text).map_err(|e| format!("{text:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(format!("{text:?} is not a postgres:// URL"));
        }
        Ok(Self {
            user: url.username().to_owned(),
            password: url.password().map(str::to_owned),
            host: url.host_str().unwrap_or_default().to_owned(),
            port: url.port(),
            database: url.path().trim_start_matches('/').to_owned(),
        })
    }
}

/// The databases that the `*.sql` files of `dir` create (`CREATE DATABASE name`), as PostgreSQL
/// names them: unquoted names folded to lower case.
pub fn databases_created_by_sql_in(dir: &Path) -> BTreeSet<String> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list the init scripts in {}: {e}", dir.display()));
    let mut names = BTreeSet::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        if path.extension().is_some_and(|ext| ext == "sql") {
            let sql = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            names.extend(created_databases(&sql));
        }
    }
    names
}

fn created_databases(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    for statement in code.split(';') {
        let tokens: Vec<&str> = statement.split_whitespace().collect();
        if let [create, database, name, ..] = tokens.as_slice() {
            if create.eq_ignore_ascii_case("create") && database.eq_ignore_ascii_case("database") {
                names.push(
                    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                        Some(quoted) => quoted.to_owned(),
                        None => name.to_ascii_lowercase(),
                    },
                );
            }
        }
    }
    names
}

/// One instruction of a Dockerfile, continuation lines joined and comments dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The line it starts on, from 1.
    pub line: usize,
    /// Upper case: `FROM`, `RUN`, ...
    pub keyword: String,
    /// The rest of the instruction, as written.
    pub args: String,
}

/// A build stage: its `FROM` and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The `FROM` arguments as written (`rust:${RUST_VERSION}-bookworm AS build`).
    pub from: String,
    /// The `AS` name, if any.
    pub name: Option<String>,
    pub instructions: Vec<Instruction>,
}

/// `COPY [--from=stage] source... destination` in the evaluated image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub from: Option<String>,
    pub sources: Vec<String>,
    pub destination: String,
}

/// What the final stage of a Dockerfile produces, for given build args.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    /// The base image of the final stage, build args substituted.
    pub base: String,
    pub env: BTreeMap<String, String>,
    /// `EXPOSE`d ports as written after substitution (`8080`, `8080/tcp`).
    pub exposed: Vec<String>,
    pub user: Option<String>,
    pub healthcheck: Option<Healthcheck>,
    pub entrypoint: Option<HealthTest>,
    pub cmd: Option<HealthTest>,
    pub copies: Vec<Copy>,
    /// `RUN` commands as written (the shell substitutes at build time, not the parser).
    pub runs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Dockerfile {
    path: PathBuf,
    text: String,
    instructions: Vec<Instruction>,
}

impl Dockerfile {
    pub fn load(path: &Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Self {
        let mut instructions = Vec::new();
        let mut current: Option<(usize, String)> = None;
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_none()) {
                continue;
            }
            let (continues, body) = match trimmed.strip_suffix('\\') {
                Some(body) => (true, body),
                None => (false, trimmed),
            };
            let (start, mut joined) = current.take().unwrap_or((index + 1, String::new()));
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(body.trim());
            if continues {
                current = Some((start, joined));
            } else {
                instructions.push(instruction(start, &joined));
            }
        }
        if let Some((start, joined)) = current {
            instructions.push(instruction(start, &joined));
        }
        Self {
            path: path.to_path_buf(),
            text: text.to_owned(),
            instructions,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// `ARG`s before the first `FROM`: name -> default.
    fn global_args(&self) -> Vec<(String, Option<String>)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .flat_map(|i| {
                i.args
                    .split_whitespace()
                    .map(|word| match word.split_once('=') {
                        Some((name, default)) => (name.to_owned(), Some(default.to_owned())),
                        None => (word.to_owned(), None),
                    })
            })
            .collect()
    }

    pub fn stages(&self) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        for instruction in &self.instructions {
            if instruction.keyword == "FROM" {
                let words: Vec<&str> = instruction.args.split_whitespace().collect();
                let name = match words.as_slice() {
                    [.., as_kw, name] if as_kw.eq_ignore_ascii_case("as") => {
                        Some((*name).to_owned())
                    }
                    _ => None,
                };
                stages.push(Stage {
                    from: instruction.args.clone(),
                    name,
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(instruction.clone());
            }
        }
        stages
    }

    fn fail(&self, instruction: &Instruction, what: &str) -> ! {
        panic!(
            "{}:{}: {} {}: {what}",
            self.path.display(),
            instruction.line,
            instruction.keyword,
            instruction.args
        )
    }

    /// Evaluates the stages in order with `build_args` and returns what the final one produces.
    pub fn image(&self, build_args: &BTreeMap<String, String>) -> Image {
        self.evaluate(build_args).1
    }

    /// What the stage named `name` (`FROM ... AS name`) produces with `build_args`.
    pub fn stage_image(&self, name: &str, build_args: &BTreeMap<String, String>) -> Image {
        self.evaluate(build_args)
            .0
            .remove(name)
            .unwrap_or_else(|| panic!("{}: no stage `AS {name}`", self.path.display()))
    }

    /// The named stages' results and the final stage's.
    fn evaluate(&self, build_args: &BTreeMap<String, String>) -> (BTreeMap<String, Image>, Image) {
        let globals: BTreeMap<String, String> = self
            .global_args()
            .into_iter()
            .filter_map(|(name, default)| {
                let value = build_args.get(&name).cloned().or(default)?;
                Some((name, value))
            })
            .collect();
        let mut done: BTreeMap<String, Image> = BTreeMap::new();
        let mut last = Image::default();
        for stage in self.stages() {
            let from_words = words(&stage.from, &|name| globals.get(name).cloned())
                .unwrap_or_else(|e| panic!("{}: FROM {}: {e}", self.path.display(), stage.from));
            let base = from_words.first().cloned().unwrap_or_default();
            let mut image = done.get(&base).cloned().unwrap_or_else(|| Image {
                base: base.clone(),
                ..Image::default()
            });
            image.runs.clear();
            image.copies.clear();
            let mut args: BTreeMap<String, String> = BTreeMap::new();
            for instruction in &stage.instructions {
                let lookup = |name: &str| image.env.get(name).or_else(|| args.get(name)).cloned();
                let split = |text: &str| {
                    words(text, &lookup).unwrap_or_else(|e| self.fail(instruction, &e))
                };
                match instruction.keyword.as_str() {
                    "ARG" => {
                        for word in split(&instruction.args) {
                            let (name, default) = match word.split_once('=') {
                                Some((name, default)) => {
                                    (name.to_owned(), Some(default.to_owned()))
                                }
                                None => (word.clone(), globals.get(&word).cloned()),
                            };
                            if let Some(value) = build_args.get(&name).cloned().or(default) {
                                args.insert(name, value);
                            }
                        }
                    }
                    "ENV" => {
                        let pairs = split(&instruction.args);
                        if pairs.first().is_some_and(|w| !w.contains('=')) {
                            let (name, value) = pairs
                                .split_first()
                                .unwrap_or_else(|| self.fail(instruction, "has no variable"));
                            image.env.insert(name.clone(), value.join(" "));
                        } else {
                            for pair in pairs {
                                let (name, value) = pair.split_once('=').unwrap_or_else(|| {
                                    self.fail(instruction, "mixes `name value` and `name=value`")
                                });
                                image.env.insert(name.to_owned(), value.to_owned());
                            }
                        }
                    }
                    "EXPOSE" => image.exposed.extend(split(&instruction.args)),
                    "USER" => image.user = split(&instruction.args).into_iter().next(),
                    "HEALTHCHECK" => {
                        image.healthcheck = Some(
                            dockerfile_healthcheck(&instruction.args)
                                .unwrap_or_else(|e| self.fail(instruction, &e)),
                        );
                    }
                    "ENTRYPOINT" => image.entrypoint = Some(command_form(&instruction.args)),
                    "CMD" => image.cmd = Some(command_form(&instruction.args)),
                    "COPY" | "ADD" => {
                        let mut from = None;
                        let mut paths = Vec::new();
                        for word in split(&instruction.args) {
                            if let Some(stage) = word.strip_prefix("--from=") {
                                from = Some(stage.to_owned());
                            } else if !word.starts_with("--") {
                                paths.push(word);
                            }
                        }
                        let destination = paths
                            .pop()
                            .unwrap_or_else(|| self.fail(instruction, "has no destination"));
                        image.copies.push(Copy {
                            from,
                            sources: paths,
                            destination,
                        });
                    }
                    "RUN" => image.runs.push(instruction.args.clone()),
                    _ => {}
                }
            }
            if let Some(name) = &stage.name {
                done.insert(name.clone(), image.clone());
            }
            last = image;
        }
        (done, last)
    }

    /// The `RUN` commands of every stage, as written.
    pub fn run_commands(&self) -> Vec<String> {
        self.instructions
            .iter()
            .filter(|i| i.keyword == "RUN")
            .map(|i| i.args.clone())
            .collect()
    }
}

fn instruction(line: usize, text: &str) -> Instruction {
    let (keyword, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    Instruction {
        line,
        keyword: keyword.to_ascii_uppercase(),
        args: args.trim().to_owned(),
    }
}

/// Exec form (a JSON array) or shell form, as Docker decides it.
fn command_form(args: &str) -> HealthTest {
    match serde_json::from_str::<Vec<String>>(args.trim()) {
        Ok(argv) => HealthTest::Exec(argv),
        Err(_) => HealthTest::Shell(args.trim().to_owned()),
    }
}

fn dockerfile_healthcheck(args: &str) -> Result<Healthcheck, String> {
    let mut rest = args.trim();
    let mut options = BTreeMap::new();
    while let Some(option) = rest.strip_prefix("--") {
        let (word, tail) = option
            .split_once(char::is_whitespace)
            .ok_or("options without a command")?;
        let (key, value) = word
            .split_once('=')
            .ok_or_else(|| format!("option --{word} has no value"))?;
        options.insert(key.replace('-', "_"), value.to_owned());
        rest = tail.trim_start();
    }
    let (kind, command) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let test = match kind.to_ascii_uppercase().as_str() {
        "NONE" => HealthTest::Disabled,
        "CMD" => command_form(command),
        _ => return Err("expected CMD or NONE".into()),
    };
    Ok(Healthcheck { test, options })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compose(text: &str) -> Compose {
        Compose::parse(text, Path::new("/repo/docker-compose.yml")).unwrap()
    }

    #[test]
    fn merge_keys_apply_and_the_service_wins_over_the_anchor() {
        let c = compose(
            "x-common: &common\n  A: from-anchor\n  B: from-anchor\n\
             services:\n  s:\n    environment:\n      <<: *common\n      B: own\n      C: 8080\n      D:\n",
        );
        let env = c.service("s").environment();
        assert_eq!(env["A"], "from-anchor");
        assert_eq!(env["B"], "own");
        assert_eq!(env["C"], "8080");
        assert!(
            !env.contains_key("D"),
            "a bare key passes the host's value through"
        );
        assert!(!env.contains_key("<<"));
    }

    #[test]
    fn the_list_form_of_environment_is_read_too() {
        let c = compose("services:\n  s:\n    environment:\n      - A=1=2\n      - B\n");
        let env = c.service("s").environment();
        assert_eq!(env["A"], "1=2");
        assert!(!env.contains_key("B"));
    }

    #[test]
    fn interpolation_behaves_as_on_a_fresh_clone() {
        let c = compose(
            "services:\n  s:\n    environment:\n      A: ${X:-fallback}\n      B: pre${X}post\n      C: $$literal\n      D: ${X-dash}\n",
        );
        let env = c.service("s").environment();
        assert_eq!(env["A"], "fallback");
        assert_eq!(env["B"], "prepost");
        assert_eq!(env["C"], "$literal");
        assert_eq!(env["D"], "dash");
        assert!(Compose::parse(
            "services:\n  s:\n    image: ${X:?set X}\n",
            Path::new("/c.yml")
        )
        .is_err());
    }

    #[test]
    fn ports_in_every_short_and_long_form() {
        let c = compose(
            "services:\n  s:\n    ports:\n      - \"8080:80\"\n      - 9000\n      - 127.0.0.1:1:2/udp\n      - \"[::1]:3:4\"\n      - target: 5\n        published: \"6\"\n",
        );
        let ports = c.service("s").ports();
        let summary: Vec<(Option<u16>, u16)> =
            ports.iter().map(|p| (p.published, p.target)).collect();
        assert_eq!(
            summary,
            [
                (Some(8080), 80),
                (None, 9000),
                (Some(1), 2),
                (Some(3), 4),
                (Some(6), 5)
            ]
        );
        assert_eq!(ports[2].protocol, "udp");
        assert_eq!(ports[2].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(ports[3].host_ip.as_deref(), Some("::1"));
    }

    #[test]
    fn healthcheck_depends_on_and_volumes() {
        let c = compose(
            "services:\n  s:\n    healthcheck:\n      test: [\"CMD\", \"/bin/x\", \"check\"]\n      retries: 3\n\
             \x20   depends_on: [db]\n    volumes:\n      - ./init:/docker-entrypoint-initdb.d:ro\n      - data:/var/lib\n\
             \x20 t:\n    healthcheck:\n      test: curl -f localhost\n    depends_on:\n      db:\n        condition: service_healthy\n",
        );
        let s = c.service("s");
        let check = s.healthcheck().unwrap();
        assert_eq!(
            check.test,
            HealthTest::Exec(vec!["/bin/x".into(), "check".into()])
        );
        assert_eq!(check.options["retries"], "3");
        assert_eq!(s.depends_on()["db"], "service_started");
        assert_eq!(
            s.bind_mount_at("/docker-entrypoint-initdb.d/"),
            Some(PathBuf::from("/repo/init"))
        );
        assert_eq!(
            s.bind_mount_at("/var/lib"),
            None,
            "a named volume is no bind mount"
        );
        let t = c.service("t");
        assert_eq!(
            t.healthcheck().unwrap().test,
            HealthTest::Shell("curl -f localhost".into())
        );
        assert_eq!(t.depends_on()["db"], "service_healthy");
    }

    #[test]
    #[should_panic(expected = "env_file")]
    fn env_file_is_refused_rather_than_ignored() {
        compose("services:\n  s:\n    env_file: .env\n").service("s");
    }

    #[test]
    fn the_final_stage_is_evaluated_with_the_build_args() {
        let dockerfile = Dockerfile::parse(
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM base:${V} AS build\nRUN echo $X \\\n  && make\n\
             FROM slim AS runtime\nARG PORT\nARG NAME=app\nENV BIND=0.0.0.0:${PORT} LOG=\"a b\" LIT='$PORT'\n\
             ENV OLD legacy form\nUSER ${NAME}\nEXPOSE ${PORT}\nCOPY --from=build /out /usr/bin/x\n\
             HEALTHCHECK --interval=10s --timeout=3s \\\n    CMD [\"/usr/bin/x\", \"healthcheck\"]\n\
             ENTRYPOINT [\"/usr/bin/x\"]\nCMD serve now\n",
            Path::new("Dockerfile"),
        );
        let args = BTreeMap::from([("PORT".to_owned(), "8080".to_owned())]);
        let image = dockerfile.image(&args);
        assert_eq!(image.base, "slim");
        assert_eq!(image.env["BIND"], "0.0.0.0:8080");
        assert_eq!(image.env["LOG"], "a b");
        assert_eq!(image.env["LIT"], "$PORT");
        assert_eq!(image.env["OLD"], "legacy form");
        assert_eq!(image.exposed, ["8080"]);
        assert_eq!(image.user.as_deref(), Some("app"));
        let check = image.healthcheck.unwrap();
        assert_eq!(
            check.test,
            HealthTest::Exec(vec!["/usr/bin/x".into(), "healthcheck".into()])
        );
        assert_eq!(check.options["interval"], "10s");
        assert_eq!(
            image.entrypoint,
            Some(HealthTest::Exec(vec!["/usr/bin/x".into()]))
        );
        assert_eq!(image.cmd, Some(HealthTest::Shell("serve now".into())));
        assert_eq!(image.copies[0].destination, "/usr/bin/x");
        assert_eq!(image.copies[0].from.as_deref(), Some("build"));
        assert_eq!(dockerfile.run_commands(), ["echo $X && make"]);
        assert_eq!(dockerfile.stages()[0].from, "base:${V} AS build");
        assert!(
            dockerfile.image(&BTreeMap::new()).exposed == [""],
            "unset PORT expands to nothing"
        );
    }

    #[test]
    fn create_database_statements_are_found() {
        let names = created_databases(
            "-- CREATE DATABASE commented;\nCREATE DATABASE Auth;\ncreate database \"Mixed\" OWNER x;\nSELECT 1;",
        );
        assert_eq!(names, ["auth", "Mixed"]);
    }

    #[test]
    fn postgres_urls_split_into_their_parts() {
        let url = PostgresUrl::parse("postgres://u:p@db:5432/name").unwrap();
        assert_eq!(
            url,
            PostgresUrl {
                user: "u".into(),
                password: Some("p".into()),
                host: "db".into(),
                port: Some(5432),
                database: "name".into(),
            }
        );
        assert!(PostgresUrl::parse("mysql://db/x").is_err());
    }
}
