//! Canonical JSON (RFC 8785, the JSON Canonicalization Scheme), written straight from serde.
//!
//! Every content digest and every signed statement is SHA-256 over this text, so its bytes must
//! never change: it is tested byte for byte against an independent implementation
//! (`serde_json_canonicalizer`, which digests were first computed with) on every example
//! document and on random JSON values. It exists because a digest runs at every stored
//! document, and that implementation parsed each object key back from JSON to sort it, which
//! was a fifth of the check of a submitted assessment (docs/performance.md).
//!
//! The rules: object members sorted by their names' UTF-16 code units (a name given twice keeps
//! its first value); no whitespace; strings with only `"`, `\` and control characters escaped
//! (`\b \f \n \r \t`, otherwise `\u00xx` in lower case); every number written as ECMAScript
//! writes a double (so integers beyond 2^53 lose precision, as in JavaScript); NaN and the
//! infinities refused.

use std::fmt::Display;

use serde::ser::{self, Serialize};

/// Why a value has no canonical JSON (a number that is not finite, a map key that is not text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// The canonical JSON text of `value`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = Writer {
        out: Vec::with_capacity(1024),
    };
    value.serialize(&mut writer)?;
    // Only whole UTF-8 strings and ASCII are ever written.
    String::from_utf8(writer.out).map_err(|e| Error(e.to_string()))
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn number(&mut self, value: f64) -> Result<(), Error> {
        if !value.is_finite() {
            return Err(Error(format!("{value} has no JSON form")));
        }
        let mut buffer = ryu_js::Buffer::new();
        self.out
            .extend_from_slice(buffer.format_finite(value).as_bytes());
        Ok(())
    }

    fn string(&mut self, text: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push(b'"');
        let bytes = text.as_bytes();
        let mut plain = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x0c => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x00..=0x1f => &[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 0xf) as usize],
                ],
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[plain..i]);
            self.out.extend_from_slice(escape);
            plain = i + 1;
        }
        self.out.extend_from_slice(&bytes[plain..]);
        self.out.push(b'"');
    }

    /// `{"variant":` for an enum's data-carrying variant; the caller writes the value and `}`.
    fn variant_open(&mut self, variant: &str) {
        self.out.push(b'{');
        self.string(variant);
        self.out.push(b':');
    }

    fn object(&mut self, closes_variant: bool) -> Object<'_> {
        self.out.push(b'{');
        let start = self.out.len();
        Object {
            writer: self,
            start,
            members: Vec::new(),
            key: None,
            closes_variant,
        }
    }

    fn array(&mut self, closes_variant: bool) -> Array<'_> {
        self.out.push(b'[');
        Array {
            writer: self,
            first: true,
            closes_variant,
        }
    }
}

/// Compares names as RFC 8785 sorts them: by UTF-16 code units.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.number(v as f64)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.number(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.number(v as f64)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.number(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        // As serde_json writes bytes: an array of numbers.
        let mut array = self.array(false);
        for b in v {
            ser::SerializeSeq::serialize_element(&mut array, b)?;
        }
        ser::SerializeSeq::end(array)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant_open(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>, Error> {
        Ok(self.array(false))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Array<'a>, Error> {
        Ok(self.array(false))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Array<'a>, Error> {
        Ok(self.array(false))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'a>, Error> {
        self.variant_open(variant);
        Ok(self.array(true))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>, Error> {
        Ok(self.object(false))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a>, Error> {
        Ok(self.object(false))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a>, Error> {
        self.variant_open(variant);
        Ok(self.object(true))
    }
}

/// An array being written: its elements go straight to the output.
struct Array<'a> {
    writer: &'a mut Writer,
    first: bool,
    /// Inside `{"variant":…}`, which this closes too.
    closes_variant: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.first {
            self.writer.out.push(b',');
        }
        self.first = false;
        value.serialize(&mut *self.writer)
    }

    fn close(self) -> Result<(), Error> {
        self.writer.out.push(b']');
        if self.closes_variant {
            self.writer.out.push(b'}');
        }
        Ok(())
    }
}

/// serde's four kinds of sequence are one array here.
macro_rules! array_of {
    ($kind:ident, $add:ident) => {
        impl ser::$kind for Array<'_> {
            type Ok = ();
            type Error = Error;
            fn $add<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    };
}
array_of!(SerializeSeq, serialize_element);
array_of!(SerializeTuple, serialize_element);
array_of!(SerializeTupleStruct, serialize_field);
array_of!(SerializeTupleVariant, serialize_field);

/// A member written so far: its name, and where its value lies in the output.
struct Member {
    name: String,
    value: std::ops::Range<usize>,
}

/// An object being written: each member's value goes to the output as it comes, and at the end
/// the members are put in order with their names.
struct Object<'a> {
    writer: &'a mut Writer,
    /// Where the members begin in the output (after `{`).
    start: usize,
    members: Vec<Member>,
    /// The name given by `serialize_key`, waiting for its value.
    key: Option<String>,
    /// Inside `{"variant":…}`, which this closes too.
    closes_variant: bool,
}

impl Object<'_> {
    fn member<T: Serialize + ?Sized>(&mut self, name: String, value: &T) -> Result<(), Error> {
        let from = self.writer.out.len();
        value.serialize(&mut *self.writer)?;
        self.members.push(Member {
            name,
            value: from - self.start..self.writer.out.len() - self.start,
        });
        Ok(())
    }

    fn close(mut self) -> Result<(), Error> {
        let values = self.writer.out.split_off(self.start);
        // Stable, so of two members with one name the first stays first, and is the one kept.
        self.members.sort_by(|a, b| utf16_order(&a.name, &b.name));
        let mut previous: Option<&str> = None;
        for member in &self.members {
            if previous == Some(member.name.as_str()) {
                continue;
            }
            if previous.is_some() {
                self.writer.out.push(b',');
            }
            self.writer.string(&member.name);
            self.writer.out.push(b':');
            self.writer
                .out
                .extend_from_slice(&values[member.value.clone()]);
            previous = Some(&member.name);
        }
        self.writer.out.push(b'}');
        if self.closes_variant {
            self.writer.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeyName)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let name = self
            .key
            .take()
            .ok_or_else(|| Error("a map value without its key".to_string()))?;
        self.member(name, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A struct and a struct variant's fields are members named by the field.
macro_rules! fields_of {
    ($kind:ident) => {
        impl ser::$kind for Object<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.member(key.to_string(), value)
            }
            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    };
}
fields_of!(SerializeStruct);
fields_of!(SerializeStructVariant);

/// A map key as the member's name: text as it is, numbers and booleans as serde_json turns them
/// into names; anything else has no name.
struct KeyName;

impl KeyName {
    fn number(value: f64) -> Result<String, Error> {
        let mut writer = Writer { out: Vec::new() };
        writer.number(value)?;
        String::from_utf8(writer.out).map_err(|e| Error(e.to_string()))
    }
}

fn not_a_name<T>() -> Result<T, Error> {
    Err(Error("an object's member name must be text".to_string()))
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        KeyName::number(v as f64)
    }
    fn serialize_i128(self, v: i128) -> Result<String, Error> {
        KeyName::number(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        KeyName::number(v as f64)
    }
    fn serialize_u128(self, v: u128) -> Result<String, Error> {
        KeyName::number(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        KeyName::number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        KeyName::number(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_none(self) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_unit(self) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        not_a_name()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_name()
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_name()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_name()
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_a_name()
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_a_name()
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        not_a_name()
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_a_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{json, Value};

    /// The independent implementation, as digests were first computed.
    fn reference<T: Serialize>(value: &T) -> Result<String, String> {
        serde_json_canonicalizer::to_string(value).map_err(|e| e.to_string())
    }

    #[test]
    fn members_sort_by_utf16_code_units_and_numbers_as_ecmascript_writes_them() {
        // RFC 8785's own example of sorting: U+20AC sorts after U+1F600's surrogates in UTF-16,
        // though before it in UTF-8.
        let value = json!({"\u{20ac}": "euro", "\u{1f600}": "smile", "\r": "cr", "1": "one",
            "\u{80}": "ctl", "\u{fb33}": "hebrew", "\u{e9}": "e-acute"});
        let text = to_string(&value).expect("canonical");
        assert_eq!(
            text,
            "{\"\\r\":\"cr\",\"1\":\"one\",\"\u{80}\":\"ctl\",\"\u{e9}\":\"e-acute\",\
             \"\u{20ac}\":\"euro\",\"\u{1f600}\":\"smile\",\"\u{fb33}\":\"hebrew\"}"
        );
        let numbers = json!([
            0,
            -0.0,
            1.0,
            1e21,
            1e-7,
            333_333_333.333_333_3,
            9_007_199_254_740_993_u64,
            -5
        ]);
        assert_eq!(
            to_string(&numbers).expect("canonical"),
            "[0,0,1,1e+21,1e-7,333333333.3333333,9007199254740992,-5]"
        );
        assert_eq!(Ok(text), reference(&value));
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        let value = json!("a\"b\\c/d\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}é\u{2028}");
        let text = to_string(&value).expect("canonical");
        assert_eq!(
            text,
            "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}é\u{2028}\""
        );
        assert_eq!(Ok(text), reference(&value));
    }

    #[test]
    fn what_has_no_json_form_is_refused() {
        assert!(to_string(&f64::NAN).is_err());
        assert!(to_string(&[f64::INFINITY]).is_err());
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        assert!(to_string(&map).is_err());
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        New(u8),
        Tuple(u8, String),
        Struct { z: bool, a: Option<u8> },
    }

    #[derive(Serialize)]
    struct Everything {
        zeta: Vec<Shape>,
        alpha: (char, u8),
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        map: std::collections::BTreeMap<u32, &'static str>,
        unit: (),
        bytes: serde_bytes_like::Bytes,
    }

    mod serde_bytes_like {
        /// Bytes serialized as bytes (not as a sequence), to cover `serialize_bytes`.
        pub struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[test]
    fn every_shape_serde_makes_matches_the_reference() {
        let value = Everything {
            zeta: vec![
                Shape::Unit,
                Shape::New(7),
                Shape::Tuple(1, "x".into()),
                Shape::Struct { z: true, a: None },
            ],
            alpha: ('é', 2),
            skipped: None,
            map: [(10, "ten"), (9, "nine")].into_iter().collect(),
            unit: (),
            bytes: serde_bytes_like::Bytes(vec![0, 255]),
        };
        let text = to_string(&value).expect("canonical");
        assert_eq!(Ok(text.clone()), reference(&value));
        assert!(
            text.starts_with(
                "{\"alpha\":[\"é\",2],\"bytes\":[0,255],\"map\":{\"10\":\"ten\",\"9\":\"nine\"}"
            ),
            "{text}"
        );
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            "[a-c\u{7f}-\u{82}\u{e000}\u{1f600}\n\"\\\\]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        any::<String>(),
                        "[a-c\u{7f}\u{e000}\u{ffff}\u{10000}\u{1f600}]{0,3}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn random_json_values_match_the_reference(value in any_value()) {
            prop_assert_eq!(to_string(&value).map_err(|e| e.to_string()), reference(&value));
        }
    }
}
