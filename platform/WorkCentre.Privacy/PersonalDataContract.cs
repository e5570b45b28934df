using System.Buffers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WorkCentre.Privacy;

/// <summary>
/// The System.Text.Json contract modifier: [PersonalData] properties get an encrypting converter and types with a
/// [DataSubjectId] put their subject in scope for the objects they contain. Runs once per type, at its first use.
/// </summary>
internal static class PersonalDataContract
{
    public static void Modify(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        JsonPropertyInfo? subject = null;
        foreach (var property in type.Properties)
        {
            var isSubject = Has<DataSubjectIdAttribute>(property);
            var isPersonal = Has<PersonalDataAttribute>(property);
            if (isSubject && isPersonal)
            {
                throw Invalid(type, property, "cannot be both [DataSubjectId] and [PersonalData]; the subject id is stored in clear");
            }
            if (isSubject)
            {
                subject = subject is null ? property : throw Invalid(type, property, "is a second [DataSubjectId]; a type names one subject");
            }
            else if (isPersonal)
            {
                property.CustomConverter = CreatePersonalConverter(type, property);
            }
            else if (MayHoldObjects(property.PropertyType))
            {
                property.CustomConverter = Create(typeof(FrameConverter<>), property.PropertyType, Custom(type, property));
            }
        }
        AttachSubject(type, subject);
    }

    private static JsonConverter CreatePersonalConverter(JsonTypeInfo type, JsonPropertyInfo property)
    {
        var isString = property.PropertyType == typeof(string);
        // Erased values read as null, so anything but a string must be able to hold null.
        if (!isString && !property.IsSetNullable)
        {
            throw Invalid(type, property, "is [PersonalData] but not nullable; erased values read as null, so declare it nullable");
        }
        return Create(typeof(PersonalDataConverter<>), property.PropertyType, Name(type, property), Custom(type, property), isString);
    }

    private static void AttachSubject(JsonTypeInfo type, JsonPropertyInfo? subject)
    {
        Func<object, object?>? get = null;
        if (subject is not null)
        {
            var kind = Nullable.GetUnderlyingType(subject.PropertyType) ?? subject.PropertyType;
            if (kind != typeof(Guid) && kind != typeof(string))
            {
                throw Invalid(type, subject, "is a [DataSubjectId] but neither a Guid nor a string");
            }
            get = subject.Get ?? throw Invalid(type, subject, "is a [DataSubjectId] without a getter");
            var name = Name(type, subject);
            var serializing = type.OnSerializing;
            type.OnSerializing = value =>
            {
                serializing?.Invoke(value);
                var id = SubjectIds.Format(get(value));
                if (id is not null && !SubjectIds.IsValid(id))
                {
                    throw new InvalidOperationException($"{name} is not a valid data subject id (1-128 letters, digits, '.', '_' or '-').");
                }
                ProtectionScope.Current?.PushSubject(id);
            };
            var serialized = type.OnSerialized;
            type.OnSerialized = value =>
            {
                ProtectionScope.Current?.PopSubject();
                serialized?.Invoke(value);
            };
        }
        // Every object settles or passes on the pending values read inside it (see ProtectionScope).
        var deserialized = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            ProtectionScope.Current?.Complete(get is not null, get is null ? null : SubjectIds.Format(get(value)));
            deserialized?.Invoke(value);
        };
    }

    // Scalars cannot contain objects with personal data, so they need no frame.
    private static bool MayHoldObjects(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return !(type.IsEnum || type == typeof(string) || type == typeof(byte[]) || (type.IsValueType && type.Namespace == "System"));
    }

    // A [JsonConverter] on the property stays in charge of the value's own JSON.
    private static JsonConverter? Custom(JsonTypeInfo type, JsonPropertyInfo property) =>
        property.CustomConverter is JsonConverterFactory factory
            ? factory.CreateConverter(property.PropertyType, type.Options)
            : property.CustomConverter;

    private static JsonConverter Create(Type generic, Type property, params object?[] args) =>
        (JsonConverter)Activator.CreateInstance(generic.MakeGenericType(property), args)!;

    private static bool Has<TAttribute>(JsonPropertyInfo property) where TAttribute : Attribute =>
        Has<TAttribute>(property.AttributeProvider) || Has<TAttribute>(property.AssociatedParameter?.AttributeProvider);

    private static bool Has<TAttribute>(ICustomAttributeProvider? provider) where TAttribute : Attribute =>
        provider?.IsDefined(typeof(TAttribute), inherit: true) == true;

    private static string Name(JsonTypeInfo type, JsonPropertyInfo property) =>
        $"{type.Type.Name}.{(property.AttributeProvider as MemberInfo)?.Name ?? property.Name}";

    private static InvalidOperationException Invalid(JsonTypeInfo type, JsonPropertyInfo property, string problem) =>
        new($"{Name(type, property)} {problem}.");
}

/// <summary>Replaces a personal value by a token encrypted under its subject's key; reads it back or as erased.</summary>
internal sealed class PersonalDataConverter<T>(string property, JsonConverter<T>? custom, bool isString) : JsonConverter<T>
{
    // Ciphertext is never embedded in HTML; do not inflate it with escapes.
    private static readonly JsonWriterOptions PlaintextWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Nulls hold nothing personal and stay null.
    public override bool HandleNull => false;

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        var scope = ProtectionScope.Current;
        if (scope is null || scope.Mode == ScopeMode.Read)
        {
            throw new InvalidOperationException($"{property} is personal data; only the event store's protector serializes it.");
        }
        var subjectId = scope.CurrentSubject
            ?? throw new InvalidOperationException($"{property} is [PersonalData] but no enclosing object has a [DataSubjectId] with a value.");
        if (scope.Mode == ScopeMode.Collect)
        {
            scope.Collected.Add(subjectId);
            writer.WriteNullValue();
            return;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var plain = new Utf8JsonWriter(buffer, PlaintextWriter))
        {
            Inner(options).Write(plain, value, options);
        }
        writer.WriteStringValue(PersonalDataToken.Encrypt(subjectId, scope.Keys[subjectId]!, buffer.WrittenSpan));
        buffer.Clear();
    }

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String
            || !PersonalDataToken.TryParse(reader.GetString()!, out var subjectId, out var sealedBase64))
        {
            // Stored before the property became personal data.
            return Inner(options).Read(ref reader, typeToConvert, options);
        }
        var scope = ProtectionScope.Current is { Mode: ScopeMode.Read } current
            ? current
            : throw new InvalidOperationException($"{property} holds encrypted personal data; read it through the event store.");
        if (!scope.Keys.TryGetValue(subjectId, out var key))
        {
            throw new InvalidOperationException($"The key of subject {subjectId} was not loaded for this read.");
        }
        // Checked against the enclosing object's subject once that object is complete.
        scope.NotePending(subjectId, property);
        if (key is null)
        {
            return isString ? (T)(object)PersonalData.Erased : default;
        }
        var plaintext = PersonalDataToken.Decrypt(subjectId, key, sealedBase64)
            ?? throw new PersonalDataIntegrityException(property, subjectId);
        // Objects inside the value must not settle the pending values of the object around it.
        var frame = scope.OpenFrame();
        try
        {
            var plain = new Utf8JsonReader(plaintext);
            plain.Read();
            return Inner(options).Read(ref plain, typeof(T), options);
        }
        finally
        {
            scope.CloseFrame(frame, isolated: true);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private JsonConverter<T> Inner(JsonSerializerOptions options) => custom ?? (JsonConverter<T>)options.GetConverter(typeof(T));
}

/// <summary>Gives an object read from a property its own frame of pending values (see ProtectionScope).</summary>
internal sealed class FrameConverter<T>(JsonConverter<T>? custom) : JsonConverter<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var scope = ProtectionScope.Current;
        var frame = scope?.OpenFrame() ?? 0;
        try
        {
            return Inner(options).Read(ref reader, typeToConvert, options);
        }
        finally
        {
            scope?.CloseFrame(frame);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => Inner(options).Write(writer, value, options);

    private JsonConverter<T> Inner(JsonSerializerOptions options) => custom ?? (JsonConverter<T>)options.GetConverter(typeof(T));
}
