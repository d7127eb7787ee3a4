//! Plain `--name value` arguments, and everything after `--` as a command line.

use crate::Error;
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Debug, Default)]
pub struct Args {
    options: HashMap<String, String>,
    pub command: Vec<String>,
}

impl Args {
    pub fn parse(argv: &[String]) -> Result<Self, Error> {
        let mut args = Self::default();
        let mut rest = argv.iter();
        while let Some(arg) = rest.next() {
            if arg == "--" {
                args.command = rest.cloned().collect();
                break;
            }
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument {arg:?}").into());
            };
            let value = rest
                .next()
                .ok_or_else(|| format!("--{name} needs a value"))?;
            args.options.insert(name.to_owned(), value.clone());
        }
        Ok(args)
    }

    pub fn required(&self, name: &str) -> Result<&str, Error> {
        self.options
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("--{name} is required").into())
    }

    pub fn optional(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    pub fn or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.optional(name).unwrap_or(default)
    }

    pub fn parsed<T: FromStr>(&self, name: &str) -> Result<T, Error> {
        let value = self.required(name)?;
        value
            .parse()
            .map_err(|_| format!("--{name}: cannot read {value:?}").into())
    }

    pub fn parsed_or<T: FromStr>(&self, name: &str, default: T) -> Result<T, Error> {
        match self.optional(name) {
            None => Ok(default),
            Some(_) => self.parsed(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_and_the_trailing_command_are_read() {
        let args = Args::parse(&argv("--rounds 3 --name auth -- /bin/true -x")).unwrap();
        assert_eq!(args.parsed::<usize>("rounds").unwrap(), 3);
        assert_eq!(args.required("name").unwrap(), "auth");
        assert_eq!(args.command, argv("/bin/true -x"));
        assert_eq!(args.parsed_or("secs", 6u64).unwrap(), 6);
    }

    #[test]
    fn missing_values_and_stray_words_are_errors() {
        assert!(Args::parse(&argv("--rounds")).is_err());
        assert!(Args::parse(&argv("stray")).is_err());
        assert!(Args::parse(&argv("--rounds x"))
            .unwrap()
            .parsed::<usize>("rounds")
            .is_err());
    }
}
