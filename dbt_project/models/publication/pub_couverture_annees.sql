-- Published: for each source and year, the months its data covers and whether the year is complete (January to
-- December). Pages show the latest complete year first and label a year in progress as such; key messages
-- only speak of complete years, and never compare a partial year with a full one.
with

contrats as (
    select mois_engagement as mois from {{ ref('int_contrats__enrichis') }}
    where mois_engagement is not null
),

offres as (
    select mois from {{ ref('pub_portrait_offres_mensuel') }}
),

adherents as (
    -- an annual stock (members of the year): a year present is a year complete
    select distinct annee from {{ ref('stg_uniformation__adherents') }}
    where annee is not null
),

mois as (
    select 'contrats' as source, mois from contrats
    union all
    select 'offres' as source, mois from offres
),

mensuelles as (
    select
        source,
        cast(year(mois) as integer) as annee,
        min(mois) as premier_mois,
        max(mois) as dernier_mois
    from mois
    group by all
),

annuelles as (
    select
        'adherents' as source,
        cast(annee as integer) as annee,
        make_date(cast(annee as integer), 1, 1) as premier_mois,
        make_date(cast(annee as integer), 12, 1) as dernier_mois
    from adherents
),

final as (
    select
        source,
        annee,
        premier_mois,
        dernier_mois,
        month(premier_mois) = 1 and month(dernier_mois) = 12 as est_complete
    from (select * from mensuelles union all select * from annuelles)
)

select * from final
order by source, annee
